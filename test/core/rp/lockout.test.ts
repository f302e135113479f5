import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../../core/errors.js';
import { DEFAULT_POLICY } from '../../../core/rp/index.js';
import { hashPassword } from '../../../core/rp/account/passwords.js';
import { LOGIN_REFUSED_MESSAGE } from '../../../core/rp/session/login.js';
import { loginDelayMs } from '../../../core/rp/session/loginThrottle.js';
import { systemRandom } from '../../../core/random.js';
import { causeOf, codeOf, seedCustomer, setup } from './support.js';

/** The refusal as the customer sees it (code + message) and as the audit/harness see it (cause). */
function refusal(fn: () => unknown): { code: string; message: string; cause: string | undefined } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof HarnessError)) throw error;
    return { code: error.code, message: error.message, cause: error.cause instanceof HarnessError ? error.cause.code : undefined };
  }
  throw new Error('expected a refusal');
}

const wrong = { loginId: 'yamada', password: 'wrong' };
const right = { loginId: 'yamada', password: 'login-pass' };

describe('password login: throttling and a timed lock, never a permanent one (NIST SP 800-63B §5.2.2)', () => {
  it('defaults: at most 100 consecutive failures before a lock, and the lock ends by time; OWASP scrypt cost', () => {
    expect(DEFAULT_POLICY.maxLoginFailures).toBeLessThanOrEqual(100);
    expect(DEFAULT_POLICY.loginLockMs).toBeGreaterThan(0);
    expect(Number.isFinite(DEFAULT_POLICY.loginLockMs)).toBe(true);
    expect(DEFAULT_POLICY.scryptCost).toBe(2 ** 17);
    expect(DEFAULT_POLICY.sessionMaxMs).toBe(12 * 60 * 60_000);
    // Throttling first: 30 s from the 5th failure, doubling, capped at 15 min; the timed lock only at the 100th.
    expect([4, 5, 6, 7, 12, 99, 100].map((n) => loginDelayMs(DEFAULT_POLICY, n))).toEqual([0, 30_000, 60_000, 120_000, 900_000, 900_000, 86_400_000]);
  });

  it('throttles from the 5th wrong password; the right one is refused while throttled and not counted; it works once the delay has passed', async () => {
    const env = setup();
    const { accountId } = seedCustomer(env);
    for (let i = 0; i < 4; i++) expect(await codeOf(() => env.rp.login(wrong))).toBe('LOGIN_FAILED');
    expect(env.store.accounts.byId(accountId)!.lockedUntil).toBe(0);
    expect(await codeOf(() => env.rp.login(wrong))).toBe('LOGIN_FAILED');
    expect(env.store.accounts.byId(accountId)).toMatchObject({ failedLogins: 5, lockedUntil: env.clock.now() + 30_000, locked: false });
    // Refused without looking at the password, and without counting it as a guess.
    expect(refusal(() => env.rp.login(right))).toEqual({ code: 'LOGIN_FAILED', message: LOGIN_REFUSED_MESSAGE, cause: 'ACCOUNT_LOCKED' });
    expect(await codeOf(() => env.rp.login(wrong))).toBe('LOGIN_FAILED');
    expect(env.store.accounts.byId(accountId)!.failedLogins).toBe(5);
    env.clock.advance(30_000);
    // The next wrong one doubles the wait.
    expect(await codeOf(() => env.rp.login(wrong))).toBe('LOGIN_FAILED');
    expect(env.store.accounts.byId(accountId)!.lockedUntil).toBe(env.clock.now() + 60_000);
    env.clock.advance(60_000);
    expect(env.rp.login(right).sessionId).toEqual(expect.any(String));
    expect(env.store.accounts.byId(accountId)).toMatchObject({ failedLogins: 0, lockedUntil: 0 });
  });

  it('locks for loginLockMs after maxLoginFailures consecutive failures, then opens by itself', async () => {
    const env = setup({ policy: { maxLoginFailures: 8, loginThrottleBaseMs: 1000, loginThrottleMaxMs: 4000, loginLockMs: 3_600_000 } });
    const { accountId } = seedCustomer(env);
    for (let i = 0; i < 8; i++) {
      expect(await codeOf(() => env.rp.login(wrong))).toBe('LOGIN_FAILED');
      if (i < 7) env.clock.advance(4000);
    }
    expect(env.store.accounts.byId(accountId)).toMatchObject({ failedLogins: 8, lockedUntil: env.clock.now() + 3_600_000, locked: false });
    env.clock.advance(3_600_000 - 1);
    expect(await causeOf(() => env.rp.login(right))).toBe('ACCOUNT_LOCKED');
    env.clock.advance(1);
    expect(env.rp.login(right).sessionId).toEqual(expect.any(String));
  });

  it('unknown, wrong, throttled and operator-locked answer alike (code and message); the audit and the cause tell them apart', async () => {
    const env = setup();
    seedCustomer(env, 'yamada');
    seedCustomer(env, 'sasaki');
    seedCustomer(env, 'tanaka');
    env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
    const tanaka = env.rp.admin.searchAccounts({ admin: 'suzuki', query: 'tanaka' }).accounts[0]!.accountId;
    env.rp.admin.lockAccount({ admin: 'suzuki', accountId: tanaka, reason: 'suspected takeover' });
    for (let i = 0; i < 5; i++) await codeOf(() => env.rp.login({ loginId: 'sasaki', password: 'wrong' }));
    const answers = {
      unknown: refusal(() => env.rp.login({ loginId: 'nobody', password: 'login-pass' })),
      wrong: refusal(() => env.rp.login({ loginId: 'yamada', password: 'wrong' })),
      throttled: refusal(() => env.rp.login({ loginId: 'sasaki', password: 'login-pass' })),
      operatorLocked: refusal(() => env.rp.login({ loginId: 'tanaka', password: 'login-pass' })),
    };
    for (const answer of Object.values(answers)) expect({ code: answer.code, message: answer.message }).toEqual({ code: 'LOGIN_FAILED', message: LOGIN_REFUSED_MESSAGE });
    expect(Object.values(answers).map((a) => a.cause)).toEqual(['ACCOUNT_NOT_FOUND', 'LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    const rows = env.store.audit.list({ limit: 1000 }).filter((r) => r.action === 'login.password').slice(-4);
    expect(rows.map((r) => [r.code, r.details.lock ?? r.details.reason ?? null])).toEqual([
      ['LOGIN_FAILED', 'unknown login ID'],
      ['LOGIN_FAILED', null],
      ['ACCOUNT_LOCKED', 'timed'],
      ['ACCOUNT_LOCKED', 'operator'],
    ]);
    // The operator's lock stays until an operator lifts it, whatever the time.
    env.clock.advance(DEFAULT_POLICY.loginLockMs * 10);
    expect(await causeOf(() => env.rp.login({ loginId: 'tanaka', password: 'login-pass' }))).toBe('ACCOUNT_LOCKED');
    env.rp.admin.unlockAccount({ admin: 'suzuki', accountId: tanaka, reason: 'verified' });
    expect(env.rp.login({ loginId: 'tanaka', password: 'login-pass' }).sessionId).toEqual(expect.any(String));
  });

  it('a hash stored at a lower cost than the policy is upgraded at the next successful login', () => {
    const env = setup({ policy: { scryptCost: 2048 } });
    const { accountId } = seedCustomer(env);
    env.store.accounts.setPasswordHash(accountId, hashPassword('login-pass', { random: systemRandom, cost: 1024 }));
    env.rp.login(right);
    expect(env.store.accounts.byId(accountId)!.passwordHash).toMatch(/^scrypt\$2048\$8\$1\$/);
    expect(env.rp.login(right).sessionId).toEqual(expect.any(String));
  });
});
