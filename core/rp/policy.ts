import type { AttestationConveyance, AttestationPolicyName, RevokedModelAction } from './attestation/types.js';

/** Tunables of the relying party; defaults follow the seed's flow (5-minute codes and step-up). */
export interface RpPolicy {
  /**
   * scrypt cost N (power of two; r = 8, p = 1). Default 2^17, OWASP's minimum for scrypt. Tests
   * lower it to keep the shared CPU free. Hashes stored at a lower cost are upgraded at the next login.
   */
  scryptCost: number;
  /**
   * Consecutive wrong passwords before the timed lock (`loginLockMs`); NIST SP 800-63B §5.2.2 allows
   * at most 100. Before that, throttling: from the `loginThrottleAfter`th failure on, logins are
   * refused for `loginThrottleBaseMs` doubling per further failure, at most `loginThrottleMaxMs`.
   * A refused attempt is not a guess: it is not counted. A correct password resets the count.
   */
  maxLoginFailures: number;
  loginThrottleAfter: number;
  loginThrottleBaseMs: number;
  loginThrottleMaxMs: number;
  loginLockMs: number;
  /** Wrong step-up codes (email or TOTP) across codes before logins are refused for `stepUpLockMs` (the account's sessions end). */
  maxStepUpFailures: number;
  stepUpLockMs: number;
  /** Wrong tries on one emailed code before it is dead (OTP_LOCKED). */
  maxCodeTries: number;
  codeTtlMs: number;
  stepUpTtlMs: number;
  challengeTtlMs: number;
  sessionIdleMs: number;
  /** Absolute session lifetime from login, however active the session is. */
  sessionMaxMs: number;
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
  scryptCost: 131072,
  maxLoginFailures: 100,
  loginThrottleAfter: 5,
  loginThrottleBaseMs: 30_000,
  loginThrottleMaxMs: 15 * 60_000,
  loginLockMs: 24 * 60 * 60_000,
  maxStepUpFailures: 10,
  stepUpLockMs: 15 * 60_000,
  maxCodeTries: 5,
  codeTtlMs: 5 * 60_000,
  stepUpTtlMs: 5 * 60_000,
  challengeTtlMs: 5 * 60_000,
  sessionIdleMs: 30 * 60_000,
  sessionMaxMs: 12 * 60 * 60_000,
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
