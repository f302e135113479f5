import { HarnessError } from '../errors.js';
import { decodeCbor, encodeCbor, type CborKey, type CborValue } from './cbor.js';

export interface AttestationObject {
  fmt: string;
  attStmt: Map<CborKey, CborValue>;
  authData: Uint8Array;
}

/** WebAuthn §6.5: { fmt, attStmt, authData } as a canonical CBOR map. */
export function encodeAttestationObject(object: AttestationObject): Uint8Array {
  return encodeCbor(
    new Map<CborKey, CborValue>([
      ['fmt', object.fmt],
      ['attStmt', object.attStmt],
      ['authData', object.authData],
    ]),
  );
}

export function decodeAttestationObject(bytes: Uint8Array): AttestationObject {
  const value = decodeCbor(bytes);
  if (!(value instanceof Map)) throw new HarnessError('ATTESTATION_MALFORMED', 'attestationObject is not a CBOR map');
  const fmt = value.get('fmt');
  const attStmt = value.get('attStmt');
  const authData = value.get('authData');
  if (typeof fmt !== 'string' || fmt.length === 0) throw new HarnessError('ATTESTATION_MALFORMED', 'attestationObject.fmt must be a text string');
  if (!(attStmt instanceof Map)) throw new HarnessError('ATTESTATION_MALFORMED', 'attestationObject.attStmt must be a map');
  if (!(authData instanceof Uint8Array)) throw new HarnessError('ATTESTATION_MALFORMED', 'attestationObject.authData must be a byte string');
  for (const key of value.keys()) {
    if (key !== 'fmt' && key !== 'attStmt' && key !== 'authData') throw new HarnessError('ATTESTATION_MALFORMED', `attestationObject has unexpected key ${JSON.stringify(key)}`);
  }
  return { fmt, attStmt, authData };
}
