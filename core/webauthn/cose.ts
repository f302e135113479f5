import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { HarnessError } from '../errors.js';
import { decodeCbor, encodeCbor, type CborKey, type CborValue } from './cbor.js';
import { concatBytes, hexToBytes } from './bytes.js';
import { derTlv, derUnsignedInteger } from './der.js';

/** COSE algorithm identifiers the harness speaks (IANA COSE Algorithms registry). */
export const COSEAlg = { ES256: -7, EdDSA: -8, RS256: -257 } as const;
export type COSEAlg = (typeof COSEAlg)[keyof typeof COSEAlg];
export const COSE_ALGS: readonly COSEAlg[] = [COSEAlg.ES256, COSEAlg.EdDSA, COSEAlg.RS256];

export const COSEKty = { OKP: 1, EC2: 2, RSA: 3 } as const;
export const COSECrv = { P256: 1, Ed25519: 6 } as const;

export type CoseKey =
  | { kty: 2; alg: -7; crv: 1; x: Uint8Array; y: Uint8Array }
  | { kty: 1; alg: -8; crv: 6; x: Uint8Array }
  | { kty: 3; alg: -257; n: Uint8Array; e: Uint8Array };

export function isCoseAlg(value: unknown): value is COSEAlg {
  return value === -7 || value === -8 || value === -257;
}

export function coseAlgName(alg: COSEAlg): 'ES256' | 'EdDSA' | 'RS256' {
  return alg === -7 ? 'ES256' : alg === -8 ? 'EdDSA' : 'RS256';
}

// The layouts the generic encoder produces for the two fixed-size keys, labels in CTAP2 canonical
// order (1, 3, -1, -2, -3), written directly: every makeCredential encodes one, and the generic path
// sorts a Map through cbor-x. test/core/webauthn/coseFastPath.test.ts holds them to the generic output.
/** a5 {1: 2, 3: -7, -1: 1, -2: h'<x, 32 bytes>', then -3: h'<y, 32 bytes>'} */
const EC2_P256_HEAD = Uint8Array.of(0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20);
const EC2_P256_Y_HEAD = Uint8Array.of(0x22, 0x58, 0x20);
/** a4 {1: 1, 3: -8, -1: 6, -2: h'<x, 32 bytes>'} */
const OKP_ED25519_HEAD = Uint8Array.of(0xa4, 0x01, 0x01, 0x03, 0x27, 0x20, 0x06, 0x21, 0x58, 0x20);

/**
 * RFC 9053 §7 labels: 1 kty, 3 alg, -1 crv|n, -2 x|e, -3 y. `ownKey`: a key the caller's own scalar
 * multiplication just made (a phone's new key), so neither the P-256 point check nor the Ed25519
 * subgroup check can fail (`skipP256PointCheck` skips the first only).
 */
export function encodeCoseKey(key: CoseKey, opts: { skipP256PointCheck?: boolean; ownKey?: boolean } = {}): Uint8Array {
  // Validation pins the coordinates to 32 bytes, which the fixed layouts assume.
  validateCoseKey(key, opts);
  if (key.kty === 2) return concatBytes(EC2_P256_HEAD, key.x, EC2_P256_Y_HEAD, key.y);
  if (key.kty === 1) return concatBytes(OKP_ED25519_HEAD, key.x);
  return encodeCbor(new Map<CborKey, CborValue>([[1, key.kty], [3, key.alg], [-1, key.n], [-2, key.e]]));
}

function invalid(message: string): never {
  throw new HarnessError('COSE_INVALID', `COSE key: ${message}`);
}

function bytesAt(map: Map<CborKey, CborValue>, label: number, name: string): Uint8Array {
  const value = map.get(label);
  if (!(value instanceof Uint8Array)) invalid(`${name} (${label}) must be a byte string`);
  return value;
}

/**
 * Decodes and validates a COSE_Key (bytes, or a map already decoded from authData).
 * `skipP256PointCheck`: for a caller that imports the key with OpenSSL next, which refuses a P-256
 * point off the curve itself (node:crypto's JWK import), so noble's check would be paid twice.
 */
export function decodeCoseKey(input: Uint8Array | Map<CborKey, CborValue>, opts: { skipP256PointCheck?: boolean } = {}): CoseKey {
  const map = input instanceof Map ? input : decodeCbor(input);
  if (!(map instanceof Map)) invalid('not a map');
  const kty = map.get(1);
  const alg = map.get(3);
  if (typeof alg !== 'number') invalid('alg (3) missing');
  if (!isCoseAlg(alg)) throw new HarnessError('COSE_UNSUPPORTED_ALG', `COSE key: algorithm ${alg} is not supported`);
  let key: CoseKey;
  if (kty === COSEKty.EC2) {
    if (alg !== COSEAlg.ES256) invalid(`kty EC2 with alg ${alg}`);
    const crv = map.get(-1);
    if (crv !== COSECrv.P256) invalid(`EC2 curve ${String(crv)} is not P-256`);
    key = { kty: 2, alg: -7, crv: 1, x: bytesAt(map, -2, 'x'), y: bytesAt(map, -3, 'y') };
  } else if (kty === COSEKty.OKP) {
    if (alg !== COSEAlg.EdDSA) invalid(`kty OKP with alg ${alg}`);
    const crv = map.get(-1);
    if (crv !== COSECrv.Ed25519) invalid(`OKP curve ${String(crv)} is not Ed25519`);
    key = { kty: 1, alg: -8, crv: 6, x: bytesAt(map, -2, 'x') };
  } else if (kty === COSEKty.RSA) {
    if (alg !== COSEAlg.RS256) invalid(`kty RSA with alg ${alg}`);
    key = { kty: 3, alg: -257, n: bytesAt(map, -1, 'n'), e: bytesAt(map, -2, 'e') };
  } else {
    invalid(`unsupported kty ${String(kty)}`);
  }
  checkMembers(map, kty as 1 | 2 | 3);
  validateCoseKey(key, opts);
  return key;
}

/**
 * The labels a COSE public key may carry (RFC 9052 §7.1 common: kty, kid, alg, key_ops; RFC 9053 §7 per
 * kty). Anything else is refused: a private member (EC2/OKP d -4, RSA d -3 …) would be stored and shown
 * with the passkey, and unknown bulk would be stored and read at every login.
 */
const PUBLIC_LABELS: Record<1 | 2 | 3, ReadonlySet<CborKey>> = {
  2: new Set([1, 2, 3, 4, -1, -2, -3]),
  1: new Set([1, 2, 3, 4, -1, -2]),
  3: new Set([1, 2, 3, 4, -1, -2]),
};
const PRIVATE_LABELS: Record<1 | 2 | 3, ReadonlySet<CborKey>> = { 2: new Set([-4]), 1: new Set([-4]), 3: new Set([-3, -4, -5, -6, -7, -8, -9, -10, -11, -12]) };

function checkMembers(map: Map<CborKey, CborValue>, kty: 1 | 2 | 3): void {
  for (const label of map.keys()) {
    if (PRIVATE_LABELS[kty].has(label)) invalid(`label ${String(label)} is a private-key member: a credential public key must not carry it`);
    if (!PUBLIC_LABELS[kty].has(label)) invalid(`label ${JSON.stringify(label)} is not a member of a ${kty === 2 ? 'EC2' : kty === 1 ? 'OKP' : 'RSA'} public key`);
  }
}

/** kty/crv/alg coherent, coordinates of the right length, point on the curve, sane RSA modulus. */
export function validateCoseKey(key: CoseKey, opts: { skipP256PointCheck?: boolean; ownKey?: boolean } = {}): void {
  if (key.kty === 2) {
    if (key.alg !== -7 || key.crv !== 1) invalid('EC2 key must be ES256 on P-256');
    if (key.x.length !== 32 || key.y.length !== 32) invalid('P-256 coordinates must be 32 bytes');
    if (opts.skipP256PointCheck || opts.ownKey) return;
    try {
      p256.Point.fromBytes(concatBytes(Uint8Array.of(4), key.x, key.y)).assertValidity();
    } catch (cause) {
      throw new HarnessError('COSE_INVALID', 'COSE key: point is not on P-256', { cause });
    }
  } else if (key.kty === 1) {
    if (key.alg !== -8 || key.crv !== 6) invalid('OKP key must be EdDSA on Ed25519');
    if (key.x.length !== 32) invalid('Ed25519 public key must be 32 bytes');
    let point;
    try {
      point = ed25519.Point.fromBytes(key.x);
      point.assertValidity();
    } catch (cause) {
      throw new HarnessError('COSE_INVALID', 'COSE key: not a valid Ed25519 point', { cause });
    }
    // A point of small order (or with a small-order component) has no private key behind it, and
    // Ed25519 verification as OpenSSL does it accepts forged signatures for it: a key anyone can sign for.
    // (A scalar multiple of the base point is always in that subgroup: a phone's own new key skips the 0.9 ms check.)
    if (!opts.ownKey && (point.isSmallOrder() || !point.isTorsionFree())) invalid('Ed25519 public key is not in the prime-order subgroup (a key with no private key behind it)');
  } else if (key.kty === 3) {
    if (key.alg !== -257) invalid('RSA key must be RS256');
    if (key.n.length < 256 || key.n.length > 512 || key.n[0] === 0) invalid('RSA modulus must be 2048–4096 bits, minimally encoded');
    // e = 1 makes the signature the padded hash itself: anyone can forge it from the public key.
    // Authenticators (TPMs, Windows Hello) use 65537, and so does every RS256 key we have seen.
    if (key.e.length !== 3 || key.e[0] !== 0x01 || key.e[1] !== 0x00 || key.e[2] !== 0x01) invalid('RSA public exponent must be 65537');
  } else {
    invalid('unsupported kty');
  }
}

const SPKI_P256_PREFIX = hexToBytes('3059301306072a8648ce3d020106082a8648ce3d030107034200');
const SPKI_ED25519_PREFIX = hexToBytes('302a300506032b6570032100');
const RSA_ALGORITHM_ID = hexToBytes('300d06092a864886f70d0101010500');

/** SubjectPublicKeyInfo DER: what the browser returns as `response.getPublicKey()`. */
export function coseKeyToSpki(key: CoseKey): Uint8Array {
  if (key.kty === 2) return concatBytes(SPKI_P256_PREFIX, Uint8Array.of(4), key.x, key.y);
  if (key.kty === 1) return concatBytes(SPKI_ED25519_PREFIX, key.x);
  const rsaPublicKey = derTlv(0x30, derUnsignedInteger(key.n), derUnsignedInteger(key.e));
  return derTlv(0x30, RSA_ALGORITHM_ID, derTlv(0x03, Uint8Array.of(0), rsaPublicKey));
}
