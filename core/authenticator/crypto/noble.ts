import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { HarnessError } from '../../errors.js';
import { concatBytes, COSEAlg } from '../../webauthn/index.js';
import type { CryptoBackend } from './backend.js';
import { deriveEcKey, deriveP256Secret, p256CoseKey, p256Pkcs8, secretFromPkcs8 } from './keys.js';
import { generateRsaKeyMaterial, nodeImport, nodeSign, nodeVerify } from './node.js';

/**
 * The P-256 public point of a secret. Under Node, OpenSSL does the scalar multiplication (the
 * same bytes, ≈ 20× faster: keygen was ≈ 10 % of a scenario run); in a renderer, noble does.
 */
function p256PublicPoint(secret: Uint8Array): Uint8Array {
  const crypto = globalThis.process?.getBuiltinModule?.('node:crypto') as typeof import('node:crypto') | undefined;
  if (!crypto) return p256.getPublicKey(secret, false);
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength));
  return new Uint8Array(ecdh.getPublicKey());
}

/**
 * @noble/curves: pure JS (runs in a renderer), deterministic RFC 6979 ECDSA and RFC 8032
 * EdDSA, so seeded runs replay byte for byte. RS256 is delegated to node:crypto.
 */
export const nobleBackend: CryptoBackend = {
  name: 'noble',
  generateKeyPair(alg, seed) {
    if (alg === COSEAlg.RS256) return generateRsaKeyMaterial(seed);
    if (alg === COSEAlg.ES256) {
      const secret = deriveP256Secret(seed);
      const uncompressed = p256PublicPoint(secret);
      return { alg, pkcs8: p256Pkcs8(secret, uncompressed), publicKey: p256CoseKey(uncompressed), handle: { alg, backend: 'noble', inner: secret } };
    }
    const { secret, pkcs8, publicKey } = deriveEcKey(alg, seed);
    return { alg, pkcs8, publicKey, handle: { alg, backend: 'noble', inner: secret } };
  },
  importPrivateKey(alg, pkcs8) {
    if (alg === COSEAlg.RS256) return nodeImport(alg, pkcs8);
    return { alg, backend: 'noble', inner: secretFromPkcs8(alg, pkcs8) };
  },
  sign(key, data) {
    if (key.alg === COSEAlg.RS256) return nodeSign(key.alg, key.inner as import('node:crypto').KeyObject, data);
    if (key.backend !== 'noble') throw new HarnessError('INTERNAL', 'key was imported by another backend');
    const secret = key.inner as Uint8Array;
    // WebAuthn §6.5.6: ES256 signatures are ASN.1 DER; noble's default is compact r‖s.
    if (key.alg === COSEAlg.ES256) return p256.sign(data, secret, { format: 'der', prehash: true });
    return ed25519.sign(data, secret);
  },
  verify(publicKey, data, signature) {
    try {
      if (publicKey.kty === 2) {
        // lowS: false — OpenSSL does not normalise s, and such signatures are valid ECDSA.
        return p256.verify(signature, data, concatBytes(Uint8Array.of(4), publicKey.x, publicKey.y), { format: 'der', prehash: true, lowS: false });
      }
      if (publicKey.kty === 1) return ed25519.verify(signature, data, publicKey.x);
      return nodeVerify(publicKey, data, signature);
    } catch {
      return false;
    }
  },
};
