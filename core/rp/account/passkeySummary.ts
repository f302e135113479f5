import type { PasskeyRow } from '../../store/index.js';
import type { PasskeyAttestation } from '../attestation/types.js';
import { authenticatorName, isKnownAuthenticator } from './authenticatorName.js';

/** What customers and support see of a passkey: never the public key, the revocation reason or the ticket (inspectPasskey adds those for support). */
export interface PasskeySummary {
  passkeyId: number;
  credentialId: string;
  name: string;
  aaguid: string;
  authenticatorName: string;
  /** False when `authenticatorName` only says the model is unknown (or the AAGUID is zero): a customer then sees just "passkey". */
  authenticatorKnown: boolean;
  transports: string[];
  backupEligible: boolean;
  backupState: boolean;
  counter: number;
  fmt: string;
  /** The attestation decision at registration: type, trust path, metadata description/icon/status (null: registered before issue 13). */
  attestation: PasskeyAttestation | null;
  alg: number;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export function toPasskeySummary(p: PasskeyRow): PasskeySummary {
  return {
    passkeyId: p.id,
    credentialId: p.credentialId,
    name: p.name,
    aaguid: p.aaguid,
    authenticatorName: authenticatorName(p.aaguid),
    authenticatorKnown: isKnownAuthenticator(p.aaguid),
    transports: [...p.transports],
    backupEligible: p.backupEligible,
    backupState: p.backupState,
    counter: p.counter,
    fmt: p.fmt,
    attestation: (p.attestation as PasskeyAttestation | null) ?? null,
    alg: p.alg,
    createdAt: p.createdAt,
    lastUsedAt: p.lastUsedAt,
    revokedAt: p.revokedAt,
  };
}
