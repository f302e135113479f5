import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { HarnessError } from '../../errors.js';
import { bytesToHex, concatBytes, COSEAlg, derChildren, derRead, equalBytes, hexToBytes, type CoseKey } from '../../webauthn/index.js';

const P256_PKCS8_HEAD = hexToBytes('308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420');
const P256_PKCS8_PUB = hexToBytes('a144034200');
const ED25519_PKCS8_HEAD = hexToBytes('302e020100300506032b657004220420');
const OID_EC_PUBLIC_KEY = hexToBytes('2a8648ce3d0201');
const OID_ED25519 = hexToBytes('2b6570');
const OID_RSA = hexToBytes('2a864886f70d010101');

/** Same PKCS#8 layout node:crypto exports, so keys round-trip byte for byte between backends. */
export function p256Pkcs8(secret: Uint8Array, uncompressed: Uint8Array = p256.getPublicKey(secret, false)): Uint8Array {
  return concatBytes(P256_PKCS8_HEAD, secret, P256_PKCS8_PUB, uncompressed);
}

/** n − 1 for P-256 (SEC 2 §2.4.2). */
const P256_ORDER_MINUS_1 = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550n;

/**
 * The seeded P-256 scalar without its public point: the cheap half of {@link deriveEcKey}, so
 * the node backend can let OpenSSL do the scalar multiplication (≈ 25× faster than JS).
 */
export function deriveP256Secret(seed: Uint8Array): Uint8Array {
  if (seed.length < 48) throw new HarnessError('INTERNAL', 'ES256 key seed needs 48 bytes');
  // noble's `p256.utils.randomSecretKey(seed)` (FIPS 186-5 A.2.1 style): the 48 bytes big-endian,
  // mod (n − 1), + 1, as 32 bytes. Written out because noble recomputes n's bit length bit by bit on
  // every call; keys.test.ts holds the two to the same scalars.
  const reduced = (BigInt(`0x${bytesToHex(seed.subarray(0, 48))}`) % P256_ORDER_MINUS_1) + 1n;
  return hexToBytes(reduced.toString(16).padStart(64, '0'));
}

/** The seeded Ed25519 secret (RFC 8032 private key = the 32-byte seed). */
export function deriveEd25519Secret(seed: Uint8Array): Uint8Array {
  if (seed.length < 32) throw new HarnessError('INTERNAL', 'EdDSA key seed needs 32 bytes');
  return seed.slice(0, 32);
}

const P256_PKCS8_LENGTH = P256_PKCS8_HEAD.length + 32 + P256_PKCS8_PUB.length + 65;

/**
 * The secret of a PKCS#8 in exactly the layout this module writes (and node:crypto exports),
 * else undefined: lets a backend skip a generic DER decoder for its own keys. Anything else
 * goes through the full import, which keeps its error behaviour.
 */
export function ownPkcs8Secret(alg: COSEAlg, pkcs8: Uint8Array): Uint8Array | undefined {
  const starts = (head: Uint8Array): boolean => equalBytes(pkcs8.subarray(0, head.length), head);
  if (alg === COSEAlg.ES256 && pkcs8.length === P256_PKCS8_LENGTH && starts(P256_PKCS8_HEAD)) {
    const at = P256_PKCS8_HEAD.length + 32;
    if (!equalBytes(pkcs8.subarray(at, at + P256_PKCS8_PUB.length), P256_PKCS8_PUB) || pkcs8[at + P256_PKCS8_PUB.length] !== 4) return undefined;
    return pkcs8.slice(P256_PKCS8_HEAD.length, at);
  }
  if (alg === COSEAlg.EdDSA && pkcs8.length === ED25519_PKCS8_HEAD.length + 32 && starts(ED25519_PKCS8_HEAD)) return pkcs8.slice(ED25519_PKCS8_HEAD.length);
  return undefined;
}

export function ed25519Pkcs8(seed: Uint8Array): Uint8Array {
  return concatBytes(ED25519_PKCS8_HEAD, seed);
}

export function p256CoseKey(uncompressed: Uint8Array): CoseKey {
  return { kty: 2, alg: -7, crv: 1, x: uncompressed.slice(1, 33), y: uncompressed.slice(33, 65) };
}

/** Deterministic key derivation shared by both backends: seeded runs give the same keys either way. */
export function deriveEcKey(alg: COSEAlg, seed: Uint8Array): { secret: Uint8Array; pkcs8: Uint8Array; publicKey: CoseKey } {
  if (alg === COSEAlg.ES256) {
    const secret = deriveP256Secret(seed);
    // One scalar multiplication serves both the PKCS#8 and the COSE key.
    const uncompressed = p256.getPublicKey(secret, false);
    return { secret, pkcs8: p256Pkcs8(secret, uncompressed), publicKey: p256CoseKey(uncompressed) };
  }
  if (alg === COSEAlg.EdDSA) {
    const secret = deriveEd25519Secret(seed);
    return { secret, pkcs8: ed25519Pkcs8(secret), publicKey: { kty: 1, alg: -8, crv: 6, x: ed25519.getPublicKey(secret) } };
  }
  throw new HarnessError('NOT_SUPPORTED', `no seeded derivation for algorithm ${alg}`);
}

/** Pulls the raw secret out of a P-256 or Ed25519 PKCS#8 (RFC 5208 / RFC 5915 / RFC 8410). */
export function secretFromPkcs8(alg: COSEAlg, pkcs8: Uint8Array): Uint8Array {
  const bad = (): never => {
    throw new HarnessError('VAULT_IMPORT_INVALID', `private key is not a PKCS#8 ${alg === -7 ? 'P-256' : alg === -8 ? 'Ed25519' : 'RSA'} key`);
  };
  try {
    const outer = derRead(pkcs8, 0, 'PKCS#8');
    if (outer.tag !== 0x30 || outer.end !== pkcs8.length) bad();
    const [version, algorithm, privateKey] = derChildren(outer, 'PKCS#8');
    if (!version || !algorithm || !privateKey || privateKey.tag !== 0x04) bad();
    const oid = derChildren(algorithm!, 'PKCS#8')[0];
    if (!oid || oid.tag !== 0x06) bad();
    if (alg === COSEAlg.ES256) {
      if (!equalBytes(oid!.value, OID_EC_PUBLIC_KEY)) bad();
      const ecPrivateKey = derRead(privateKey!.value, 0, 'ECPrivateKey');
      const d = derChildren(ecPrivateKey, 'ECPrivateKey')[1];
      if (!d || d.tag !== 0x04 || d.value.length > 32) bad();
      const secret = new Uint8Array(32);
      secret.set(d!.value, 32 - d!.value.length);
      return secret;
    }
    if (alg === COSEAlg.EdDSA) {
      if (!equalBytes(oid!.value, OID_ED25519)) bad();
      const inner = derRead(privateKey!.value, 0, 'Ed25519 key');
      if (inner.tag !== 0x04 || inner.value.length !== 32) bad();
      return inner.value.slice();
    }
    if (!equalBytes(oid!.value, OID_RSA)) bad();
  } catch (error) {
    if (error instanceof HarnessError && error.code === 'VAULT_IMPORT_INVALID') throw error;
    bad();
  }
  throw new HarnessError('NOT_SUPPORTED', 'RSA keys have no raw secret form');
}
