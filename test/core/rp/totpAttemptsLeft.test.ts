import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../../core/errors.js';
import { generateTotp } from '../../../core/rp/index.js';
import { seedCustomer, setup } from './support.js';

const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function refusal(run: () => unknown): HarnessError {
  try {
    run();
  } catch (error) {
    if (error instanceof HarnessError) return error;
    throw error;
  }
  throw new Error('not refused');
}

/**
 * A one-time password has no per-code try limit (an email code has 5: `triesLeft`): what a customer
 * can be told after a wrong one is how many wrong codes remain before sign-in locks (`attemptsLeft`),
 * and for how long, so the page can say so as it does for email codes.
 */
describe('a wrong one-time password says how many wrong codes remain before the lock', () => {
  it('counts down from policy.maxStepUpFailures, then locks; a right code starts the count again', () => {
    const env = setup({ policy: { maxStepUpFailures: 4, stepUpLockMs: 15 * 60_000 } });
    seedCustomer(env, 'yamada', { otpSecret: TOTP_SECRET });
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const right = generateTotp(TOTP_SECRET, env.clock.now());
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const first = refusal(() => env.rp.verifyStepUp({ sessionId, code: wrong }));
    expect(first.code).toBe('OTP_INVALID');
    expect(first.details).toEqual({ attemptsLeft: 3, lockMinutes: 15 });
    expect(refusal(() => env.rp.verifyStepUp({ sessionId, code: 'abcdef' })).details).toEqual({ attemptsLeft: 2, lockMinutes: 15 });
    const stepped = env.rp.verifyStepUp({ sessionId, code: right }).sessionId;
    env.clock.advance(30_000);
    expect(refusal(() => env.rp.verifyStepUp({ sessionId: stepped, code: wrong })).details).toEqual({ attemptsLeft: 3, lockMinutes: 15 });
    for (const left of [2, 1]) expect(refusal(() => env.rp.verifyStepUp({ sessionId: stepped, code: wrong })).details).toEqual({ attemptsLeft: left, lockMinutes: 15 });
    const locked = refusal(() => env.rp.verifyStepUp({ sessionId: stepped, code: wrong }));
    expect(locked.code).toBe('ACCOUNT_LOCKED');
    expect(locked.details).not.toHaveProperty('attemptsLeft');
    env.store.close();
  });
});
