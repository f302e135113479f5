import { createAuthenticator, type CreateAuthenticatorOptions } from '../../../core/authenticator/index.js';
import { createClient } from '../../../core/client/index.js';
import { ManualClock } from '../../../core/clock.js';
import { HarnessError, type HarnessErrorCode } from '../../../core/errors.js';
import { seededRandom } from '../../../core/random.js';
import { createRelyingParty, type RpPolicy } from '../../../core/rp/index.js';
import { openStore } from '../../../core/store/openStore.js';

export const ORIGIN = 'https://broker.example.test';
export const RP_ID = 'broker.example.test';

export function setup(opts: { policy?: Partial<RpPolicy>; path?: string } = {}) {
  const clock = new ManualClock();
  const store = openStore({ path: opts.path ?? ':memory:' });
  const rp = createRelyingParty({ store, rpId: RP_ID, rpName: 'YM証券', origins: [ORIGIN], clock, random: seededRandom('rp-test'), policy: { scryptCost: 1024, ...opts.policy } });
  return { clock, store, rp };
}

export type Env = ReturnType<typeof setup>;

export function phone(env: Env, options: CreateAuthenticatorOptions = {}) {
  const authenticator = createAuthenticator({ clock: env.clock, seed: 'phone', ...options });
  return { authenticator, client: createClient({ authenticator, origin: ORIGIN }) };
}

export function seedCustomer(env: Env, loginId = 'yamada', extra: { otpSecret?: string } = {}) {
  return env.rp.createAccount({ loginId, password: 'login-pass', tradingPassword: 'trade-pass', displayName: '山田太郎', emails: [`${loginId}@example.test`, `${loginId}.sub@example.test`], ...extra });
}

export function lastCode(env: Env, to: string): string {
  const message = env.rp.listMail({ to }).messages.find((m) => /認証コード: \d{6}/.test(m.text));
  const match = message?.text.match(/認証コード: (\d{6})/);
  if (!match) throw new Error(`no code mailed to ${to}`);
  return match[1]!;
}

/** Seed steps 0–4 on the email branch; returns the rotated, stepped-up session ID. */
export async function loginAndStepUp(env: Env, loginId = 'yamada'): Promise<string> {
  const { sessionId } = env.rp.login({ loginId, password: 'login-pass' });
  const { emails } = env.rp.listEmails({ sessionId });
  await env.rp.sendStepUpEmail({ sessionId, emailId: emails[1]!.emailId });
  return env.rp.verifyStepUp({ sessionId, code: lastCode(env, emails[1]!.address) }).sessionId;
}

export async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<HarnessErrorCode | 'NO_ERROR' | string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof HarnessError ? error.code : `NOT_HARNESS: ${String(error)}`;
  }
}

/** The code of a refusal's `cause`: what the RP audited while the customer was told LOGIN_FAILED (issue 11). */
export async function causeOf(promise: Promise<unknown> | (() => unknown)): Promise<HarnessErrorCode | 'NO_ERROR' | string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof HarnessError && error.cause instanceof HarnessError ? error.cause.code : `NO_CAUSE: ${String(error)}`;
  }
}
