import { HarnessError } from '../../errors.js';
import { COSEAlg, coseKeyToSpki, type CoseKey } from '../../webauthn/cose.js';
import { fromBase64url } from '../../webauthn/base64url.js';
import type { CryptoBackend, KeyMaterial, PrivateKeyHandle } from './backend.js';
import { deriveEcKey } from './keys.js';

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

/** RS256 keys for either backend: node:crypto keygen (2048-bit, e = 65537). */
export function generateRsaKeyMaterial(): KeyMaterial {
  const { privateKey, publicKey } = nodeCrypto().generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    alg: COSEAlg.RS256,
    pkcs8: toBytes(privateKey.export({ format: 'der', type: 'pkcs8' })),
    publicKey: { kty: 3, alg: -257, n: fromBase64url(jwk.n!), e: fromBase64url(jwk.e!) },
  };
}

export function nodeSign(alg: COSEAlg, key: import('node:crypto').KeyObject, data: Uint8Array): Uint8Array {
  return toBytes(nodeCrypto().sign(alg === COSEAlg.EdDSA ? null : 'sha256', toBuffer(data), key));
}

export function nodeVerify(publicKey: CoseKey, data: Uint8Array, signature: Uint8Array): boolean {
  const crypto = nodeCrypto();
  try {
    const key = crypto.createPublicKey({ key: toBuffer(coseKeyToSpki(publicKey)), format: 'der', type: 'spki' });
    return crypto.verify(publicKey.alg === COSEAlg.EdDSA ? null : 'sha256', toBuffer(data), key, toBuffer(signature));
  } catch {
    return false;
  }
}

export function nodeImport(alg: COSEAlg, pkcs8: Uint8Array): PrivateKeyHandle {
  try {
    const inner = nodeCrypto().createPrivateKey({ key: toBuffer(pkcs8), format: 'der', type: 'pkcs8' });
    return { alg, backend: 'node', inner };
  } catch (cause) {
    throw new HarnessError('VAULT_IMPORT_INVALID', 'private key is not valid PKCS#8', { cause });
  }
}

/** node:crypto (OpenSSL): the fast path for load runs. */
export const nodeBackend: CryptoBackend = {
  name: 'node',
  generateKeyPair(alg, seed) {
    if (alg === COSEAlg.RS256) return generateRsaKeyMaterial();
    const { pkcs8, publicKey } = deriveEcKey(alg, seed);
    return { alg, pkcs8, publicKey };
  },
  importPrivateKey: nodeImport,
  sign(key, data) {
    if (key.backend !== 'node') throw new HarnessError('INTERNAL', 'key was imported by another backend');
    return nodeSign(key.alg, key.inner as import('node:crypto').KeyObject, data);
  },
  verify: nodeVerify,
};
