import { generateKeyPairSync } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../../core/browser/index.js';
import { HarnessError } from '../../../core/errors.js';
import { COSEAlg } from '../../../core/webauthn/index.js';

const pkcs8 = (key: import('node:crypto').KeyObject) => new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The public half of a CDP credential's private key, checked against independent derivations (noble, RSA's own DER). */
describe('publicKeyOf', () => {
  it('P-256: the COSE point is d·G as noble computes it', () => {
    for (let i = 0; i < 20; i++) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const sec1 = privateKey.export({ format: 'der', type: 'sec1' });
      const d = sec1.subarray(7, 39);
      const point = p256.getPublicKey(d, false);
      const { alg, publicKey } = publicKeyOf(pkcs8(privateKey));
      expect(alg).toBe(COSEAlg.ES256);
      expect(publicKey).toMatchObject({ kty: 2, alg: -7, crv: 1 });
      expect(hex((publicKey as { x: Uint8Array }).x) + hex((publicKey as { y: Uint8Array }).y)).toBe(hex(point.subarray(1)));
    }
  });

  it('Ed25519: x is the public key noble derives from the seed', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = pkcs8(privateKey);
    const seed = der.subarray(der.length - 32);
    const { alg, publicKey } = publicKeyOf(der);
    expect(alg).toBe(COSEAlg.EdDSA);
    expect(publicKey).toMatchObject({ kty: 1, alg: -8, crv: 6 });
    expect(hex((publicKey as { x: Uint8Array }).x)).toBe(hex(ed25519.getPublicKey(seed)));
  });

  it('RSA: n and e without DER sign bytes', () => {
    const { privateKey, publicKey: pub } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
    const { alg, publicKey } = publicKeyOf(pkcs8(privateKey));
    expect(alg).toBe(COSEAlg.RS256);
    const { n, e } = publicKey as { n: Uint8Array; e: Uint8Array };
    expect(n.length).toBe(256);
    expect(n[0]! & 0x80).toBe(0x80);
    expect(hex(e)).toBe('010001');
    // The modulus sits at the end of the PKCS#1 public key after its 0x00 sign byte.
    expect(hex(pub.export({ format: 'der', type: 'pkcs1' }))).toContain(`00${hex(n)}`);
  });

  it('refuses other curves and non-keys with VAULT_IMPORT_INVALID', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(() => publicKeyOf(pkcs8(privateKey), 'cred-1')).toThrow(expect.objectContaining({ code: 'VAULT_IMPORT_INVALID', message: expect.stringContaining('cred-1: unsupported key type ec secp384r1') }));
    expect(() => publicKeyOf(Uint8Array.of(1, 2, 3))).toThrow(HarnessError);
    expect(() => publicKeyOf(Uint8Array.of(1, 2, 3))).toThrow(/not valid PKCS#8/);
  });
});
