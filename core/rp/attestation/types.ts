import type { AttestationType } from './checkAttestationStatement.js';

export type AttestationPolicyName = 'any' | 'trusted-roots' | 'metadata';
export const ATTESTATION_POLICIES: readonly AttestationPolicyName[] = ['any', 'trusted-roots', 'metadata'];
export type AttestationConveyance = 'none' | 'indirect' | 'direct' | 'enterprise';
export const ATTESTATION_CONVEYANCES: readonly AttestationConveyance[] = ['none', 'indirect', 'direct', 'enterprise'];
/** What a login does when the passkey's model got a rejected MDS status after registration. */
export type RevokedModelAction = 'record' | 'warn' | 'refuse';
export const REVOKED_MODEL_ACTIONS: readonly RevokedModelAction[] = ['record', 'warn', 'refuse'];

/** Where the RP gets its metadata BLOB (a URL fetch, or the harness's local MDS in process). */
export interface MetadataSource {
  blob(): Promise<string> | string;
}

/** Trust configuration that is not plain policy: anchors and the metadata source. */
export interface RpTrust {
  /** PEM roots an x5c chain must reach under `trusted-roots` (the harness attestation root by default). */
  attestationRoots: string[];
  /** PEM roots the metadata BLOB's x5c must reach (the harness MDS root, as FIDO's MDS pins GlobalSign). */
  mdsRoots: string[];
  metadata?: MetadataSource;
}

/** Stored with each passkey and shown by admin inspect and the console. */
export interface PasskeyAttestation {
  fmt: string;
  /**
   * What the statement is: none, self (signed by the credential key), or one with an x5c trust
   * path: basic, attca (tpm) or anonca (apple) — see AttestationType.
   */
  type: AttestationType;
  /** The policy it was judged under. */
  policy: AttestationPolicyName;
  /**
   * `trusted`: the x5c chain reached a configured root (trusted-roots) or the model's MDS anchors
   * (metadata); `unattested`: none/self accepted by the policy; `not-checked`: policy `any`.
   */
  trustPath: 'trusted' | 'unattested' | 'not-checked';
  /** Subject of the anchor the chain reached. */
  anchor: string | null;
  /** The model as the metadata described it at registration, when an entry was found. */
  metadata: { description: string; icon: string | null; status: string | null; effectiveDate: string | null; no: number } | null;
}
