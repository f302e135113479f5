import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../../../core/authenticator/crypto/noble.js';
import { nodeBackend } from '../../../../core/authenticator/crypto/node.js';
import { deriveEcKey } from '../../../../core/authenticator/crypto/keys.js';
import { COSEAlg } from '../../../../core/webauthn/cose.js';
import { seededRandom } from '../../../../core/random.js';

describe('seeded key derivation is the same on both backends', () => {
  for (const alg of [COSEAlg.ES256, COSEAlg.EdDSA]) {
    it(`alg ${alg}: node (OpenSSL point) and noble (JS point) give identical PKCS#8 and COSE keys`, () => {
      const random = seededRandom(`derivation-${alg}`);
      for (let i = 0; i < 20; i++) {
        const seed = random.bytes(48);
        const reference = deriveEcKey(alg, seed);
        for (const backend of [nodeBackend, nobleBackend]) {
          const material = backend.generateKeyPair(alg, seed);
          expect(material.pkcs8).toEqual(reference.pkcs8);
          expect(material.publicKey).toEqual(reference.publicKey);
        }
      }
    });

    it(`alg ${alg}: the handle returned with a new key signs like a re-imported one`, () => {
      const data = new TextEncoder().encode('authData ‖ clientDataHash');
      for (const backend of [nodeBackend, nobleBackend]) {
        const material = backend.generateKeyPair(alg, seededRandom('handle').bytes(48));
        expect(material.handle).toBeDefined();
        expect(nobleBackend.verify(material.publicKey, data, backend.sign(material.handle!, data))).toBe(true);
        expect(nodeBackend.verify(material.publicKey, data, backend.sign(backend.importPrivateKey(alg, material.pkcs8), data))).toBe(true);
      }
    });
  }

  it('the node backend still rejects a truncated PKCS#8 with VAULT_IMPORT_INVALID', () => {
    const { pkcs8 } = nodeBackend.generateKeyPair(COSEAlg.ES256, seededRandom('truncated').bytes(48));
    expect(() => nodeBackend.importPrivateKey(COSEAlg.ES256, pkcs8.subarray(0, pkcs8.length - 1))).toThrow(expect.objectContaining({ code: 'VAULT_IMPORT_INVALID' }));
  });
});

// deriveP256Secret writes out noble's randomSecretKey (mod n − 1, + 1): every seeded phone's keys
// depend on the two agreeing, edge values included.
it('the seeded P-256 scalar is noble randomSecretKey of the same 48 bytes', async () => {
  const { p256 } = await import('@noble/curves/nist.js');
  const { deriveP256Secret } = await import('../../../../core/authenticator/crypto/keys.js');
  const random = seededRandom('p256-scalar');
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const big = (value: bigint) => Uint8Array.from(Buffer.from(value.toString(16).padStart(96, '0'), 'hex'));
  const seeds: Uint8Array[] = [new Uint8Array(48), new Uint8Array(48).fill(0xff), big(n - 2n), big(n - 1n), big(n), big(2n * (n - 1n)), big(2n * (n - 1n) - 1n)];
  for (let i = 0; i < 300; i++) seeds.push(random.bytes(48));
  for (const seed of seeds) expect(Buffer.from(deriveP256Secret(seed)).toString('hex')).toBe(Buffer.from(p256.utils.randomSecretKey(Uint8Array.from(seed))).toString('hex'));
});
