import { describe, expect, it } from 'vitest';
import { generateTotp } from '../../../core/rp/index.js';
import { codeOf, lastCode, seedCustomer, setup, type Env } from './support.js';

/**
 * Step-up guards that no other test pinned (found by deleting each guard and seeing every test
 * stay green): boundaries of the code and step-up lifetimes, what a used code answers, the
 * failure count's reset, the resend interval, and the OTP service's single enrolment.
 */

const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function fresh(policy: Parameters<typeof setup>[0] = {}): Env {
  const env = setup(policy);
  seedCustomer(env);
  return env;
}

async function sent(env: Env, sessionId = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId) {
  const emailId = env.rp.listEmails({ sessionId }).emails[0]!.emailId;
  await env.rp.sendStepUpEmail({ sessionId, emailId });
  return { sessionId, emailId, code: lastCode(env, 'yamada@example.test') };
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('emailed step-up code guards', () => {
  it('a code is still good at exactly codeTtlMs and expired 1 ms later (OTP_EXPIRED)', async () => {
    const env = fresh();
    const early = await sent(env);
    env.clock.advance(env.rp.policy.codeTtlMs);
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: early.sessionId, code: early.code }))).toBe('NO_ERROR');
    const late = await sent(env);
    env.clock.advance(env.rp.policy.codeTtlMs + 1);
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: late.sessionId, code: late.code }))).toBe('OTP_EXPIRED');
    env.store.close();
  });

  it('once a code is used, a guess against it is OTP_USED and is not counted towards the account lock', async () => {
    const env = fresh({ policy: { maxStepUpFailures: 2 } });
    const { sessionId, code } = await sent(env);
    const stepped = env.rp.verifyStepUp({ sessionId, code }).sessionId;
    for (let i = 0; i < 3; i++) expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: stepped, code: wrong(code) }))).toBe('OTP_USED');
    // Still unlocked: the session lives and a password login works.
    expect(env.rp.getSession({ sessionId: stepped }).loginId).toBe('yamada');
    expect(env.store.accounts.byLoginId('yamada')!.failedStepUps).toBe(0);
    env.store.close();
  });

  it('a correct code restarts the count of wrong codes: failures before it do not add up with failures after it', async () => {
    const max = 3;
    const env = fresh({ policy: { maxStepUpFailures: max } });
    const first = await sent(env);
    for (let i = 0; i < max - 1; i++) expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: first.sessionId, code: wrong(first.code) }))).toBe('OTP_INVALID');
    const stepped = env.rp.verifyStepUp({ sessionId: first.sessionId, code: first.code }).sessionId;
    const second = await sent(env, stepped);
    // One more wrong code would have been the max-th in a row without the reset.
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: second.sessionId, code: wrong(second.code) }))).toBe('OTP_INVALID');
    expect(env.rp.getSession({ sessionId: second.sessionId }).loginId).toBe('yamada');
    env.store.close();
  });

  it('resendIntervalMs: a second send in the same session before the interval is RATE_LIMITED, at the interval it goes', async () => {
    const env = fresh({ policy: { resendIntervalMs: 60_000 } });
    const { sessionId, emailId } = await sent(env);
    env.clock.advance(59_999);
    expect(await codeOf(env.rp.sendStepUpEmail({ sessionId, emailId }))).toBe('RATE_LIMITED');
    env.clock.advance(1);
    expect(await codeOf(env.rp.sendStepUpEmail({ sessionId, emailId }))).toBe('NO_ERROR');
    env.store.close();
  });
});

describe('where a code may be sent', () => {
  it("another customer's address (by its emailId) is EMAIL_NOT_REGISTERED and nothing is mailed to it", async () => {
    const env = fresh();
    seedCustomer(env, 'tanaka');
    const tanakaSession = env.rp.login({ loginId: 'tanaka', password: 'login-pass' }).sessionId;
    const tanakaEmail = env.rp.listEmails({ sessionId: tanakaSession }).emails[0]!;
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    expect(await codeOf(env.rp.sendStepUpEmail({ sessionId, emailId: tanakaEmail.emailId }))).toBe('EMAIL_NOT_REGISTERED');
    expect(env.rp.listMail({ to: tanakaEmail.address }).messages).toEqual([]);
    env.store.close();
  });
});

describe('step-up freshness', () => {
  it('a step-up still opens registration at exactly stepUpTtlMs, not 1 ms later (STEP_UP_REQUIRED)', async () => {
    const env = fresh();
    const { sessionId, code } = await sent(env);
    const stepped = env.rp.verifyStepUp({ sessionId, code }).sessionId;
    env.clock.advance(env.rp.policy.stepUpTtlMs);
    expect(env.rp.getSession({ sessionId: stepped }).stepUp?.fresh).toBe(true);
    expect(await codeOf(env.rp.startRegistration({ sessionId: stepped }))).toBe('NO_ERROR');
    env.clock.advance(1);
    expect(env.rp.getSession({ sessionId: stepped }).stepUp?.fresh).toBe(false);
    expect(await codeOf(env.rp.startRegistration({ sessionId: stepped }))).toBe('STEP_UP_REQUIRED');
    env.store.close();
  });
});

describe('OTP service (TOTP) enrolment guards', () => {
  async function enrolled(env: Env) {
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const emailId = env.rp.listEmails({ sessionId }).emails[0]!.emailId;
    await env.rp.sendStepUpEmail({ sessionId, emailId, purpose: 'otp-enrollment' });
    const stepped = env.rp.verifyStepUp({ sessionId, code: lastCode(env, 'yamada@example.test'), purpose: 'otp-enrollment' }).sessionId;
    const { secret } = env.rp.enrollOtp({ sessionId: stepped });
    const confirmCode = generateTotp(secret, env.clock.now());
    expect(env.rp.confirmOtp({ sessionId: stepped, code: confirmCode })).toEqual({ status: 'active' });
    return { sessionId: stepped, secret, confirmCode };
  }

  it('RFC 6238 §5.2: the code that confirmed the enrolment cannot pass a step-up as well (OTP_USED)', async () => {
    const env = fresh();
    const { sessionId, secret, confirmCode } = await enrolled(env);
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId, code: confirmCode }))).toBe('OTP_USED');
    env.clock.advance(30_000);
    expect(env.rp.verifyStepUp({ sessionId, code: generateTotp(secret, env.clock.now()) }).method).toBe('totp');
    env.store.close();
  });

  it('confirming an enrolment that is already active is OTP_ALREADY_ENROLLED and audits no second confirmation', async () => {
    const env = fresh();
    const { sessionId, secret } = await enrolled(env);
    env.clock.advance(30_000);
    expect(await codeOf(() => env.rp.confirmOtp({ sessionId, code: generateTotp(secret, env.clock.now()) }))).toBe('OTP_ALREADY_ENROLLED');
    expect(env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'otp.confirm' && e.outcome === 'success')).toHaveLength(1);
    env.store.close();
  });

  it('an account whose OTP service is active cannot apply again (OTP_ALREADY_ENROLLED), even after a fresh otp-enrollment step-up; its secret stays', async () => {
    const env = setup();
    seedCustomer(env, 'yamada', { otpSecret: TOTP_SECRET });
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const stepped = env.rp.verifyStepUp({ sessionId, code: generateTotp(TOTP_SECRET, env.clock.now()), purpose: 'otp-enrollment' }).sessionId;
    expect(env.rp.getSession({ sessionId: stepped }).stepUp).toMatchObject({ purpose: 'otp-enrollment', fresh: true });
    expect(await codeOf(() => env.rp.enrollOtp({ sessionId: stepped }))).toBe('OTP_ALREADY_ENROLLED');
    expect(env.store.audit.list({ limit: 1000 }).some((e) => e.action === 'otp.enroll')).toBe(false);
    env.clock.advance(30_000);
    expect(env.rp.verifyStepUp({ sessionId: stepped, code: generateTotp(TOTP_SECRET, env.clock.now()) }).method).toBe('totp');
    env.store.close();
  });

  /** A session stepped up for the OTP service with an enrolment pending: its secret, not yet confirmed. */
  async function pending(env: Env) {
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const emailId = env.rp.listEmails({ sessionId }).emails[0]!.emailId;
    await env.rp.sendStepUpEmail({ sessionId, emailId, purpose: 'otp-enrollment' });
    const stepped = env.rp.verifyStepUp({ sessionId, code: lastCode(env, 'yamada@example.test'), purpose: 'otp-enrollment' }).sessionId;
    return { sessionId: stepped, secret: env.rp.enrollOtp({ sessionId: stepped }).secret };
  }

  const errorOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error as { code: string; details?: Record<string, unknown> };
    }
    throw new Error('expected an error');
  };

  it('wrong codes confirming the OTP service count toward the timed lock like wrong step-up codes: attempts left, then ACCOUNT_LOCKED, sessions ended, login refused', async () => {
    const env = fresh({ policy: { maxStepUpFailures: 3 } });
    const { sessionId, secret } = await pending(env);
    const bad = wrong(generateTotp(secret, env.clock.now()));
    expect(errorOf(() => env.rp.confirmOtp({ sessionId, code: bad }))).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: 2 } });
    // A malformed code is a wrong guess too.
    expect(errorOf(() => env.rp.confirmOtp({ sessionId, code: '12ab56' }))).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: 1 } });
    expect(errorOf(() => env.rp.confirmOtp({ sessionId, code: bad }))).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect(await codeOf(() => env.rp.getSession({ sessionId }))).toBe('AUTH_REQUIRED');
    const account = env.store.accounts.byLoginId('yamada')!;
    expect(account.lockedUntil).toBe(env.clock.now() + env.rp.policy.stepUpLockMs);
    // Login answers every refusal alike; the audit row says why.
    expect(await codeOf(() => env.rp.login({ loginId: 'yamada', password: 'login-pass' }))).toBe('LOGIN_FAILED');
    expect(env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'login.password').at(-1)).toMatchObject({ outcome: 'failure', code: 'ACCOUNT_LOCKED' });
    expect(env.store.otp.get(account.id)?.status).toBe('pending');
    const failures = env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'otp.confirm').map((e) => e.code);
    expect(failures).toEqual(['OTP_INVALID', 'OTP_INVALID', 'ACCOUNT_LOCKED']);
    env.store.close();
  });

  it('the right confirmation code restarts the count: wrong codes before it do not add up with wrong step-up codes after it', async () => {
    const env = fresh({ policy: { maxStepUpFailures: 3 } });
    const { sessionId, secret } = await pending(env);
    for (let i = 0; i < 2; i++) expect(await codeOf(() => env.rp.confirmOtp({ sessionId, code: wrong(generateTotp(secret, env.clock.now())) }))).toBe('OTP_INVALID');
    expect(env.rp.confirmOtp({ sessionId, code: generateTotp(secret, env.clock.now()) })).toEqual({ status: 'active' });
    env.clock.advance(30_000);
    expect(errorOf(() => env.rp.verifyStepUp({ sessionId, code: wrong(generateTotp(secret, env.clock.now())) }))).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: 2 } });
    env.store.close();
  });
});
