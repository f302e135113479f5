import type { MDSJWTPayload, MetadataBLOBPayloadEntry, MetadataStatement, StatusReport } from '@simplewebauthn/server';

export type { MDSJWTPayload, MetadataBLOBPayloadEntry, MetadataStatement, StatusReport };

/** FIDO MDS3 §3.1.4 AuthenticatorStatus values. */
export const AUTHENTICATOR_STATUSES = [
  'NOT_FIDO_CERTIFIED',
  'FIDO_CERTIFIED',
  'USER_VERIFICATION_BYPASS',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
  'UPDATE_AVAILABLE',
  'REVOKED',
  'SELF_ASSERTION_SUBMITTED',
  'FIDO_CERTIFIED_L1',
  'FIDO_CERTIFIED_L1plus',
  'FIDO_CERTIFIED_L2',
  'FIDO_CERTIFIED_L2plus',
  'FIDO_CERTIFIED_L3',
  'FIDO_CERTIFIED_L3plus',
] as const;

export type AuthenticatorStatus = (typeof AUTHENTICATOR_STATUSES)[number];

/** Statuses after which an RP must stop trusting the model (MDS3 §3.1.4: "…should reject"). */
export const REJECTED_STATUSES: readonly AuthenticatorStatus[] = [
  'REVOKED',
  'USER_VERIFICATION_BYPASS',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
];

/** Ways to spoil a BLOB on purpose, to test how an RP handles them. */
export const BROKEN_BLOBS = ['expired', 'bad-signature', 'unknown-root', 'lower-no'] as const;
export type BrokenBlob = (typeof BROKEN_BLOBS)[number];

export function isAuthenticatorStatus(value: unknown): value is AuthenticatorStatus {
  return typeof value === 'string' && (AUTHENTICATOR_STATUSES as readonly string[]).includes(value);
}

/** One model as `pkh mds list` shows it. */
export interface MdsListEntry {
  aaguid: string;
  profile: string | null;
  description: string;
  /** The report in force now (effectiveDate ≤ today), else null. */
  status: AuthenticatorStatus | null;
  effectiveDate: string | null;
  timeOfLastStatusChange: string;
  reports: number;
}
