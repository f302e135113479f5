import { HarnessError } from '../errors.js';
import { fromBase64url } from '../webauthn/index.js';
import type { LocalAuthDecision } from '../authenticator/index.js';
import { browserFor } from './browserFor.js';
import type { CeremonyTrace, FlowStep } from './steps.js';
import { phoneOf, userOf, type World, type WorldUser } from './world.js';

/** STEP0 ログイン: login ID + ログインパスワード; the user holds the new session. */
export async function passwordLogin(world: World, username: string, password: string): Promise<WorldUser> {
  const user = userOf(world, username);
  const result = await world.rp.login({ loginId: username, password });
  user.sessionId = result.sessionId;
  return user;
}

export interface PasskeyLoginOptions {
  username?: string;
  phone: string;
  mode: 'username-first' | 'discoverable';
  decision: LocalAuthDecision;
  /** Submit the previous login's response again (replayed challenge). */
  replay?: boolean;
}

/** ログイン (パスキー): challenge → local authentication on the phone → signature → server verification. */
export async function passkeyLogin(world: World, opts: PasskeyLoginOptions) {
  if (opts.replay) {
    if (!world.lastLogin) throw new HarnessError('CHALLENGE_NOT_FOUND', 'nothing to replay: no earlier passkey login');
    return { result: await world.rp.finishLogin(world.lastLogin), steps: [] as FlowStep[] };
  }
  const phone = phoneOf(world, opts.phone);
  phone.decision = opts.decision;
  const steps: FlowStep[] = [];
  const loginId = opts.mode === 'username-first' ? opts.username : undefined;
  if (opts.mode === 'username-first' && !loginId) throw new HarnessError('INVALID_INPUT', 'username-first login needs a username');
  const { ceremonyId, options } = await world.rp.startLogin(loginId === undefined ? {} : { loginId });
  steps.push({ step: 'LOGIN1', title: 'ログイン (パスキー): challenge', detail: loginId ? `username-first for ${loginId}` : 'discoverable (usernameless)' });
  const trace: CeremonyTrace = { ceremony: 'get', phone: opts.phone, origin: world.origin, rpId: world.rpId, options: options as unknown as Record<string, unknown> };
  world.lastCeremony = trace;
  const response = await browserFor(world, phone).get(options);
  trace.response = response as unknown as Record<string, unknown>;
  steps.push({ step: 'LOGIN2', title: 'ローカル認証 → 署名', detail: `${opts.phone}: ${opts.decision}` });
  world.lastLogin = { ceremonyId, response };
  const result = await world.rp.finishLogin({ ceremonyId, response });
  // Only an accepted assertion moves what the phone knows the RP stored; a refused one never does.
  phone.credentials.markAccepted(fromBase64url(response.rawId, 'rawId'), result.counter);
  const user = world.users.get(result.loginId);
  if (user) user.sessionId = result.sessionId;
  steps.push({ step: 'LOGIN3', title: '公開鍵で検証 → ログイン完了', detail: `${result.loginId} (counter ${result.counter})` });
  return { result, steps, response };
}
