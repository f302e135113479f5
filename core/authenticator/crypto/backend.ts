import type { COSEAlg, CoseKey } from '../../webauthn/index.js';

/** Key material as the harness stores it: PKCS#8 DER (portable to Chromium's virtual authenticator). */
export interface KeyMaterial {
  alg: COSEAlg;
  pkcs8: Uint8Array;
  publicKey: CoseKey;
  /** The same private key already imported, when the backend had it in hand (saves an import). */
  handle?: PrivateKeyHandle;
}

/** A private key imported once and reused, so a signature costs only the signature. */
export interface PrivateKeyHandle {
  readonly alg: COSEAlg;
  readonly backend: CryptoBackend['name'];
  readonly inner: unknown;
}

/**
 * The crypto seam. Both backends derive keys the same way from a seed, and each verifies the
 * other's signatures. ECDSA signatures are DER (WebAuthn §6.5.6), EdDSA raw 64 bytes,
 * RS256 PKCS#1 v1.5 over SHA-256.
 */
export interface CryptoBackend {
  readonly name: 'noble' | 'node';
  /** `seed` must hold at least 48 bytes for ES256 and 32 for EdDSA; RS256 derives its primes from it (rsa.ts). */
  generateKeyPair(alg: COSEAlg, seed: Uint8Array): KeyMaterial;
  /**
   * A key with nothing to reproduce (the authenticator draws from the OS generator, not a seed),
   * made however this backend makes one fastest; undefined: use `generateKeyPair` with random bytes.
   */
  generateRandomKeyPair?(alg: COSEAlg): KeyMaterial | undefined;
  importPrivateKey(alg: COSEAlg, pkcs8: Uint8Array): PrivateKeyHandle;
  sign(key: PrivateKeyHandle, data: Uint8Array): Uint8Array;
  verify(publicKey: CoseKey, data: Uint8Array, signature: Uint8Array): boolean;
}
