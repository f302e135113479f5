import type { CborKey, CborValue, COSEAlg } from '../../webauthn/index.js';
import type { AuthenticatorContext } from '../context.js';
import type { KeyMaterial } from '../crypto/backend.js';

/** What every attestation format may sign over (WebAuthn §6.5.4 step 11 hands the same inputs to each format). */
export interface AttestationInput {
  authData: Uint8Array;
  clientDataHash: Uint8Array;
  credentialId: Uint8Array;
  alg: COSEAlg;
  keyMaterial: KeyMaterial;
}

/** `fmt` and `attStmt` of the attestation object. */
export interface AttestationStatement {
  fmt: string;
  attStmt: Map<CborKey, CborValue>;
}

/** One attestation statement format (WebAuthn §8): one file each, as go-webauthn lays them out. */
export type AttestationFormat = (ctx: AuthenticatorContext, input: AttestationInput) => Promise<AttestationStatement>;
