import { HarnessError } from '../errors.js';
import { hasLoneSurrogate } from '../wellFormed.js';
import { concatBytes } from './bytes.js';
import { decodeCbor, encodeCbor, type CborKey, type CborValue } from './cbor.js';

export interface AttestationObject {
  fmt: string;
  attStmt: Map<CborKey, CborValue>;
  authData: Uint8Array;
}

// The keys' encodings, in CTAP2 canonical order (shorter first): "fmt", "attStmt", "authData".
const MAP_OF_3_AND_FMT = Uint8Array.of(0xa3, 0x63, 0x66, 0x6d, 0x74);
const ATTSTMT = Uint8Array.of(0x67, 0x61, 0x74, 0x74, 0x53, 0x74, 0x6d, 0x74);
const AUTHDATA = Uint8Array.of(0x68, 0x61, 0x75, 0x74, 0x68, 0x44, 0x61, 0x74, 0x61);
const EMPTY_MAP = Uint8Array.of(0xa0);
const utf8 = new TextEncoder();

/** A CBOR head in its shortest form (RFC 8949 §4.2.1): major type and a length below 2^32. */
function head(major: number, length: number): Uint8Array {
  const type = major << 5;
  if (length < 24) return Uint8Array.of(type | length);
  if (length < 0x100) return Uint8Array.of(type | 24, length);
  if (length < 0x10000) return Uint8Array.of(type | 25, length >> 8, length & 0xff);
  return Uint8Array.of(type | 26, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}

/**
 * WebAuthn §6.5: { fmt, attStmt, authData } as a canonical CBOR map. The three fixed keys are written
 * directly around the statement, which alone goes through the generic encoder (a "none" statement is
 * the empty map): test/core/webauthn/coseFastPathAttestationObject.test.ts holds this to the generic encoding of the map.
 */
export function encodeAttestationObject(object: AttestationObject): Uint8Array {
  // cbor-x writes a lone surrogate as its 3 raw bytes, TextEncoder as U+FFFD: such a format keeps the generic path.
  if (hasLoneSurrogate(object.fmt)) return encodeCbor(new Map<CborKey, CborValue>([['fmt', object.fmt], ['attStmt', object.attStmt], ['authData', object.authData]]));
  const fmt = utf8.encode(object.fmt);
  const attStmt = object.attStmt.size === 0 ? EMPTY_MAP : encodeCbor(object.attStmt);
  return concatBytes(MAP_OF_3_AND_FMT, head(3, fmt.length), fmt, ATTSTMT, attStmt, AUTHDATA, head(2, object.authData.length), object.authData);
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
