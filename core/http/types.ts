import type { Reply } from '../errors.js';
import type { StepUpPurpose } from '../rp/index.js';
import type { AdminRow } from '../store/index.js';

/**
 * The slice of `Rp` (core/rp) that the HTTP adapter calls, written out so this module states
 * exactly what it depends on. Shapes follow docs/CONTRACTS.md § core/rp. WebAuthn responses are
 * `unknown` here: schemas.ts checks their shape, and core/rp decodes and verifies them (its own codes).
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
  finishRegistration(opts: { sessionId: string; ceremonyId?: string; response: unknown; name?: string; locale?: 'ja' | 'en' }): unknown;
  listPasskeys(opts: { sessionId: string }): unknown;
  listSignalData(opts: { sessionId: string }): unknown;
  deletePasskey(opts: { sessionId: string; credentialId: string }): unknown;
  startLogin(opts: { loginId?: string }): unknown;
  finishLogin(opts: { ceremonyId: string; response: unknown }): Promise<{ sessionId: string } & Record<string, unknown>> | ({ sessionId: string } & Record<string, unknown>);
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
  handle(channel: string, input: unknown, caller: HttpHarnessCaller): Promise<Reply>;
}

export interface HttpHarnessCaller {
  name: string;
  role: AdminRow['role'];
}
