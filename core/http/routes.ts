import type { z } from 'zod';
import * as s from './schemas.js';
import type { HttpRp } from './types.js';

/**
 * Every customer API route in one table (support staff use the harness channels at
 * `POST /api/harness/:channel`). `auth` says who may call it: `public` or `customer` (session
 * cookie of the caller's slot). `limit`
 * puts the route under the per-IP and per-account rate limits (credential guessing and mail).
 * `session` tells the server what to do with the cookie after the call: the RP rotates the
 * session ID at login, step-up and passkey login.
 */
export interface RouteContext<B, Q, P> {
  rp: HttpRp;
  body: B;
  query: Q;
  params: P;
  /** Present on `customer` routes. */
  sessionId: string;
}

export interface RouteDef<B = unknown, Q = unknown, P = unknown> {
  method: 'GET' | 'POST';
  path: string;
  auth: 'public' | 'customer';
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  limit?: 'login' | 'account';
  /** `set`: the result carries a new `sessionId` for the cookie (never echoed in the body); `clear`: log out. */
  session?: 'set' | 'clear';
  handle(ctx: RouteContext<B, Q, P>): unknown;
}

function route<B = Record<string, never>, Q = Record<string, never>, P = Record<string, never>>(def: RouteDef<B, Q, P>): RouteDef {
  return def as unknown as RouteDef;
}

export const routes: readonly RouteDef[] = [
  // STEP0 ログイン
  route({ method: 'POST', path: '/api/login', auth: 'public', body: s.loginBody, limit: 'login', session: 'set', handle: ({ rp, body }) => rp.login(body) }),
  route({ method: 'POST', path: '/api/logout', auth: 'customer', session: 'clear', handle: ({ rp, sessionId }) => rp.logout({ sessionId }) }),
  route({ method: 'GET', path: '/api/session', auth: 'customer', handle: ({ rp, sessionId }) => rp.getSession({ sessionId }) }),
  // STEP1 口座情報 → お客様情報 → 登録情報照会
  route({ method: 'GET', path: '/api/registration-info', auth: 'customer', handle: ({ rp, sessionId }) => rp.getRegistrationInfo({ sessionId }) }),
  // STEP3 メール認証
  route({ method: 'GET', path: '/api/emails', auth: 'customer', handle: ({ rp, sessionId }) => rp.listEmails({ sessionId }) }),
  route({ method: 'POST', path: '/api/step-up/email', auth: 'customer', body: s.sendStepUpBody, limit: 'account', handle: ({ rp, sessionId, body }) => rp.sendStepUpEmail({ sessionId, ...body }) }),
  // STEP4 認証コード入力 (email code or TOTP)
  route({ method: 'POST', path: '/api/step-up/verify', auth: 'customer', body: s.verifyStepUpBody, limit: 'account', session: 'set', handle: ({ rp, sessionId, body }) => rp.verifyStepUp({ sessionId, ...body }) }),
  // ワンタイムパスワードサービス 申込
  route({ method: 'POST', path: '/api/otp/enroll', auth: 'customer', body: s.empty, handle: ({ rp, sessionId }) => rp.enrollOtp({ sessionId }) }),
  route({ method: 'POST', path: '/api/otp/confirm', auth: 'customer', body: s.confirmOtpBody, limit: 'account', handle: ({ rp, sessionId, body }) => rp.confirmOtp({ sessionId, ...body }) }),
  // STEP5-7 パスキー登録
  route({ method: 'POST', path: '/api/passkeys/registration/options', auth: 'customer', body: s.registrationOptionsBody, handle: ({ rp, sessionId, body }) => rp.startRegistration({ sessionId, ...body }) }),
  route({ method: 'POST', path: '/api/passkeys/registration/verify', auth: 'customer', body: s.registrationVerifyBody, limit: 'account', handle: ({ rp, sessionId, body }) => rp.finishRegistration({ sessionId, ...body }) }),
  route({ method: 'GET', path: '/api/passkeys', auth: 'customer', handle: ({ rp, sessionId }) => rp.listPasskeys({ sessionId }) }),
  // What the pages pass to the WebAuthn Signal API (signalAllAcceptedCredentials / signalCurrentUserDetails) after sign-in.
  route({ method: 'POST', path: '/api/passkeys/delete', auth: 'customer', body: s.deletePasskeyBody, limit: 'account', handle: ({ rp, sessionId, body }) => rp.deletePasskey({ sessionId, ...body }) }),
  route({ method: 'GET', path: '/api/passkeys/signals', auth: 'customer', handle: ({ rp, sessionId }) => rp.listSignalData({ sessionId }) }),
  // ログイン (パスキー)
  route({ method: 'POST', path: '/api/passkeys/login/options', auth: 'public', body: s.loginOptionsBody, limit: 'login', handle: ({ rp, body }) => rp.startLogin(body) }),
  route({ method: 'POST', path: '/api/passkeys/login/verify', auth: 'public', body: s.loginVerifyBody, limit: 'login', session: 'set', handle: ({ rp, body }) => rp.finishLogin(body) }),
];
