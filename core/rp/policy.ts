import type { AttestationConveyance, AttestationPolicyName, RevokedModelAction } from './attestation/types.js';

/** Tunables of the relying party; defaults follow the seed's flow (5-minute codes and step-up). */
export interface RpPolicy {
  /** scrypt cost N (power of two). Tests lower it to keep the shared CPU free. */
  scryptCost: number;
  maxLoginFailures: number;
  /** Wrong step-up codes (email or TOTP) across codes before the account locks. */
  maxStepUpFailures: number;
  /** Wrong tries on one emailed code before it is dead (OTP_LOCKED). */
  maxCodeTries: number;
  codeTtlMs: number;
  stepUpTtlMs: number;
  challengeTtlMs: number;
  sessionIdleMs: number;
  /** At most `maxSendsPerWindow` step-up emails per account per `sendWindowMs`. */
  maxSendsPerWindow: number;
  sendWindowMs: number;
  /** Minimum gap between two sends in one session. */
  resendIntervalMs: number;
  /** Registration: 'required' makes UV mandatory whatever the caller asks. */
  userVerification: 'required' | 'preferred' | 'discouraged';
  /** Upper bound on attestationObject / authenticatorData size checked before any CBOR parsing. */
  maxAttestationBytes: number;
  maxClientDataBytes: number;
  /** Attestation conveyance startRegistration asks for when the caller names none (§5.4.7). */
  attestation: AttestationConveyance;
  /**
   * What registration demands of the attestation (docs/ATTESTATION.md): `any` (every valid
   * statement, whatever signed it: for tests that need it), `trusted-roots` (x5c must reach a
   * configured root), `metadata` (MDS entry with an acceptable status, chain to its roots).
   */
  attestationPolicy: AttestationPolicyName;
  /** Under trusted-roots / metadata: whether none and self attestation are accepted. */
  unattested: 'accept' | 'refuse';
  /** Under metadata: a login with a model revoked after registration is recorded, warned about, or refused. */
  revokedModelAtLogin: RevokedModelAction;
}

export const DEFAULT_POLICY: RpPolicy = {
  scryptCost: 16384,
  maxLoginFailures: 5,
  maxStepUpFailures: 10,
  maxCodeTries: 5,
  codeTtlMs: 5 * 60_000,
  stepUpTtlMs: 5 * 60_000,
  challengeTtlMs: 5 * 60_000,
  sessionIdleMs: 30 * 60_000,
  maxSendsPerWindow: 5,
  sendWindowMs: 15 * 60_000,
  resendIntervalMs: 0,
  userVerification: 'preferred',
  maxAttestationBytes: 16 * 1024,
  maxClientDataBytes: 4 * 1024,
  attestation: 'none',
  attestationPolicy: 'trusted-roots',
  unattested: 'accept',
  revokedModelAtLogin: 'warn',
};
