import { setBounded } from '../../boundedMap.js';
import { HarnessError } from '../../errors.js';
import { COSEAlg, coseKeyToSpki, fromBase64url, toBase64url, type CoseKey } from '../../webauthn/index.js';
import type { CryptoBackend, KeyMaterial, PrivateKeyHandle } from './backend.js';
import { bigIntToBytes, deterministicRsaKey } from './rsa.js';
import { deriveEd25519Secret, deriveP256Secret, ed25519Pkcs8, ownPkcs8Secret, p256CoseKey, p256Pkcs8 } from './keys.js';

type KeyObject = import('node:crypto').KeyObject;

type NodeCrypto = typeof import('node:crypto');

/** Loaded lazily so that bundling the noble path for a renderer never pulls in node:crypto. */
let cached: NodeCrypto | undefined;
export function nodeCrypto(): NodeCrypto {
  if (!cached) {
    const loaded = globalThis.process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
    if (!loaded) throw new HarnessError('NOT_SUPPORTED', 'node:crypto is not available here (RS256 and the node backend need Node)');
    cached = loaded;
  }
  return cached;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength).slice();
}

/**
 * A 2048-bit prime search costs ≈ 10–100 ms; seeded runs (every scenario replay, every
 * `--seed` phone) ask for the same key again and again. Bounded, oldest first out.
 */
const rsaKeysBySeed = new Map<string, KeyMaterial>();
const RSA_KEYS_MAX = 32;

/**
 * RS256 keys for either backend (2048-bit, e = 65537), reproducible from the seed: the primes come
 * from an HMAC-DRBG over it (rsa.ts; node:crypto cannot seed its keygen), and OpenSSL only
 * encodes the result as PKCS#8.
 */
export function generateRsaKeyMaterial(seed: Uint8Array): KeyMaterial {
  const id = toBase64url(seed);
  let made = rsaKeysBySeed.get(id);
  if (!made) {
    made = makeRsaKeyMaterial(seed);
    setBounded(rsaKeysBySeed, id, made, RSA_KEYS_MAX);
  }
  // Copies: the caller owns what it gets.
  const { n, e } = made.publicKey as { n: Uint8Array; e: Uint8Array };
  return { alg: made.alg, pkcs8: made.pkcs8.slice(), publicKey: { ...made.publicKey, n: n.slice(), e: e.slice() } as CoseKey };
}

function makeRsaKeyMaterial(seed: Uint8Array): KeyMaterial {
  const k = deterministicRsaKey(seed, 2048, (candidate) => nodeCrypto().checkPrimeSync(candidate));
  const b = (value: bigint) => toBase64url(bigIntToBytes(value));
  const privateKey = nodeCrypto().createPrivateKey({
    key: { kty: 'RSA', n: b(k.n), e: b(k.e), d: b(k.d), p: b(k.p), q: b(k.q), dp: b(k.dp), dq: b(k.dq), qi: b(k.qi) },
    format: 'jwk',
  });
  return {
    alg: COSEAlg.RS256,
    pkcs8: toBytes(privateKey.export({ format: 'der', type: 'pkcs8' })),
    publicKey: { kty: 3, alg: -257, n: bigIntToBytes(k.n), e: bigIntToBytes(k.e) },
  };
}

export function nodeSign(alg: COSEAlg, key: import('node:crypto').KeyObject, data: Uint8Array): Uint8Array {
  return toBytes(nodeCrypto().sign(alg === COSEAlg.EdDSA ? null : 'sha256', toBuffer(data), key));
}

/**
 * Why JWK and not DER: OpenSSL 3's generic DER/PKCS#8 decoder costs ≈ 0.5 ms per import (ten
 * signatures' worth), while a JWK builds the key from its parameters in ≈ 0.05–0.09 ms.
 */
function publicKeyObject(publicKey: CoseKey): KeyObject {
  const crypto = nodeCrypto();
  if (publicKey.kty === 2) {
    return crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: toBase64url(publicKey.x), y: toBase64url(publicKey.y) }, format: 'jwk' });
  }
  if (publicKey.kty === 1) return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toBase64url(publicKey.x) }, format: 'jwk' });
  return crypto.createPublicKey({ key: toBuffer(coseKeyToSpki(publicKey)), format: 'der', type: 'spki' });
}

/** One ECDH object serves every derivation: building one costs about as much as the scalar multiplication. */
let p256Ecdh: import('node:crypto').ECDH | undefined;

/** A P-256 private KeyObject and its uncompressed point, with OpenSSL doing the scalar multiplication. */
function p256KeyObject(secret: Uint8Array): { key: KeyObject; uncompressed: Uint8Array } {
  const crypto = nodeCrypto();
  const ecdh = (p256Ecdh ??= crypto.createECDH('prime256v1'));
  // Replaces the previous key; synchronous, so no other derivation can interleave.
  ecdh.setPrivateKey(toBuffer(secret));
  const uncompressed = toBytes(ecdh.getPublicKey());
  const jwk = { kty: 'EC', crv: 'P-256', d: toBase64url(secret), x: toBase64url(uncompressed.subarray(1, 33)), y: toBase64url(uncompressed.subarray(33, 65)) };
  return { key: crypto.createPrivateKey({ key: jwk, format: 'jwk' }), uncompressed };
}

/**
 * An Ed25519 private KeyObject and its public key. Node builds a private OKP key from `d` alone
 * (RFC 8037 `x` must be present as a string but is not used for private keys); the real `x` is
 * read back from OpenSSL.
 */
function ed25519KeyObject(secret: Uint8Array): { key: KeyObject; x: Uint8Array } {
  const key = nodeCrypto().createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: toBase64url(secret), x: '' }, format: 'jwk' });
  return { key, x: fromBase64url(key.export({ format: 'jwk' }).x!) };
}

export function nodeVerify(publicKey: CoseKey, data: Uint8Array, signature: Uint8Array): boolean {
  const crypto = nodeCrypto();
  try {
    const key = publicKeyObject(publicKey);
    return crypto.verify(publicKey.alg === COSEAlg.EdDSA ? null : 'sha256', toBuffer(data), key, toBuffer(signature));
  } catch {
    return false;
  }
}

export function nodeImport(alg: COSEAlg, pkcs8: Uint8Array): PrivateKeyHandle {
  const own = ownPkcs8Secret(alg, pkcs8);
  if (own) {
    try {
      return { alg, backend: 'node', inner: alg === COSEAlg.ES256 ? p256KeyObject(own).key : ed25519KeyObject(own).key };
    } catch {
      // Not a valid scalar after all: the DER path below decides, with its usual error.
    }
  }
  try {
    const inner = nodeCrypto().createPrivateKey({ key: toBuffer(pkcs8), format: 'der', type: 'pkcs8' });
    return { alg, backend: 'node', inner };
  } catch (cause) {
    throw new HarnessError('VAULT_IMPORT_INVALID', 'private key is not valid PKCS#8', { cause });
  }
}

/** The SEC1 `ECPrivateKey` OpenSSL exports for a P-256 key (RFC 5915): fixed bytes around d and the point. */
const P256_SEC1_HEAD = Buffer.from('30770201010420', 'hex');
const P256_SEC1_MIDDLE = Buffer.from('a00a06082a8648ce3d030107a14403420004', 'hex');
const P256_SEC1_LENGTH = P256_SEC1_HEAD.length + 32 + P256_SEC1_MIDDLE.length + 64;

/**
 * A random P-256 key from OpenSSL's own generator, for authenticators on system randomness. Against
 * seeded derivation + JWK import it saves ≈ 45 µs a credential: the generated key is already in
 * OpenSSL's provider form, so its first signature costs ≈ 40 µs instead of ≈ 85 µs (an imported key
 * is converted on first use). d and the point are read from the SEC1 export (a JWK export of a
 * generated key hangs now and then on Node 20.20.2); any other layout falls back to derivation.
 */
function randomP256KeyMaterial(): KeyMaterial | undefined {
  const { privateKey } = nodeCrypto().generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const sec1 = privateKey.export({ format: 'der', type: 'sec1' });
  const middle = P256_SEC1_HEAD.length + 32;
  if (sec1.length !== P256_SEC1_LENGTH || !sec1.subarray(0, P256_SEC1_HEAD.length).equals(P256_SEC1_HEAD) || !sec1.subarray(middle, middle + P256_SEC1_MIDDLE.length).equals(P256_SEC1_MIDDLE)) {
    return undefined;
  }
  const secret = toBytes(sec1.subarray(P256_SEC1_HEAD.length, middle));
  const uncompressed = toBytes(sec1.subarray(middle + P256_SEC1_MIDDLE.length - 1));
  return { alg: COSEAlg.ES256, pkcs8: p256Pkcs8(secret, uncompressed), publicKey: p256CoseKey(uncompressed), handle: { alg: COSEAlg.ES256, backend: 'node', inner: privateKey } };
}

/** node:crypto (OpenSSL): the fast path for load runs. */
export const nodeBackend: CryptoBackend = {
  name: 'node',
  generateKeyPair(alg, seed) {
    if (alg === COSEAlg.RS256) return generateRsaKeyMaterial(seed);
    // Same seed → same secret as deriveEcKey (and the noble backend); only the public point is
    // computed by OpenSSL instead of JS, and the key comes back already imported.
    if (alg === COSEAlg.ES256) {
      const secret = deriveP256Secret(seed);
      const { key, uncompressed } = p256KeyObject(secret);
      return { alg, pkcs8: p256Pkcs8(secret, uncompressed), publicKey: p256CoseKey(uncompressed), handle: { alg, backend: 'node', inner: key } };
    }
    if (alg === COSEAlg.EdDSA) {
      const secret = deriveEd25519Secret(seed);
      const { key, x } = ed25519KeyObject(secret);
      return { alg, pkcs8: ed25519Pkcs8(secret), publicKey: { kty: 1, alg: -8, crv: 6, x }, handle: { alg, backend: 'node', inner: key } };
    }
    throw new HarnessError('NOT_SUPPORTED', `no seeded derivation for algorithm ${alg}`);
  },
  generateRandomKeyPair(alg) {
    return alg === COSEAlg.ES256 ? randomP256KeyMaterial() : undefined;
  },
  importPrivateKey: nodeImport,
  sign(key, data) {
    if (key.backend !== 'node') throw new HarnessError('INTERNAL', 'key was imported by another backend');
    return nodeSign(key.alg, key.inner as import('node:crypto').KeyObject, data);
  },
  verify: nodeVerify,
};
