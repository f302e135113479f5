import type { StepUpPurpose } from '../rp/index.js';

/**
 * The slice of `Rp` (core/rp) that the HTTP adapter calls, written out so this module states
 * exactly what it depends on. Shapes follow docs/CONTRACTS.md § core/rp.
 */
export interface HttpRp {
  login(opts: { loginId: string; password: string }): Promise<{ sessionId: string; accountId: number; loginId: string; displayName: string }> | { sessionId: string; accountId: number; loginId: string; displayName: string };
  logout(opts: { sessionId: string }): unknown;
  getSession(opts: { sessionId: string }): Promise<{ accountId: number } & Record<string, unknown>> | ({ accountId: number } & Record<string, unknown>);
  getRegistrationInfo(opts: { sessionId: string }): unknown;
  listEmails(opts: { sessionId: string }): unknown;
  sendStepUpEmail(opts: { sessionId: string; emailId: number; purpose?: StepUpPurpose }): unknown;
  verifyStepUp(opts: { sessionId: string; code: string; purpose?: StepUpPurpose }): Promise<{ sessionId: string } & Record<string, unknown>> | ({ sessionId: string } & Record<string, unknown>);
  enrollOtp(opts: { sessionId: string }): unknown;
  confirmOtp(opts: { sessionId: string; code: string }): unknown;
  startRegistration(opts: {
    sessionId: string;
    attestation?: 'none' | 'direct';
    userVerification?: 'required' | 'preferred' | 'discouraged';
    authenticatorAttachment?: 'platform' | 'cross-platform';
  }): unknown;
  finishRegistration(opts: { sessionId: string; ceremonyId?: string; response: any; name?: string }): unknown;
  listPasskeys(opts: { sessionId: string }): unknown;
  startLogin(opts: { loginId?: string }): unknown;
  finishLogin(opts: { ceremonyId: string; response: any }): Promise<{ sessionId: string } & Record<string, unknown>> | ({ sessionId: string } & Record<string, unknown>);
  admin: {
    searchAccounts(opts: { admin: string; query: string }): unknown;
    listPasskeys(opts: { admin: string; accountId: number }): unknown;
    inspectPasskey(opts: { admin: string; passkeyId: number }): unknown;
    revokePasskey(opts: { admin: string; passkeyId: number; reason: string; ticket: string }): unknown;
    resetPasskeys(opts: { admin: string; accountId: number; reason: string; ticket: string }): unknown;
    readAudit(opts: { admin: string; accountId?: number; afterId?: number; limit?: number }): unknown;
    verifyAudit(opts: { admin: string }): unknown;
  };
}

export type { StepUpPurpose };

/** Mount point for the harness channel map (`core/harness`): `POST /api/harness/:channel`. */
export interface HttpHarnessMount {
  /**
   * The admin the request's bearer token (undefined when the request has none) belongs to;
   * undefined → 401 AUTH_REQUIRED. The harness's mount (`createHarnessMount`) requires a token,
   * since its channels act as an admin and are audited as one.
   */
  authenticate(token: string | undefined): HttpHarnessCaller | undefined;
  /** Must never throw; `handleHarnessCall(harness.as(caller), channel, input)` is the intended implementation. */
  handle(channel: string, input: unknown, caller: HttpHarnessCaller): Promise<
    { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } }
  >;
}

export interface HttpHarnessCaller {
  name: string;
  role: 'viewer' | 'operator';
}
