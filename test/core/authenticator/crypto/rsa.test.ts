import { createPublicKey, createPrivateKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateRsaKeyMaterial } from '../../../../core/authenticator/crypto/node.js';
import { bigIntToBytes, deterministicRsaKey, hmacDrbg } from '../../../../core/authenticator/crypto/rsa.js';
import { bytesToHex, coseKeyToSpki } from '../../../../core/webauthn/index.js';

const seed = (text: string) => new TextEncoder().encode(text.padEnd(48, '.'));

describe('deterministic RSA keygen', () => {
  it('HMAC-DRBG matches the NIST CAVP vector (HMAC_DRBG.rsp, SHA-256, PR false, COUNT = 0)', () => {
    // Instantiate with entropy ‖ nonce, reseed, generate twice: the second output is ReturnedBits.
    const entropy = '06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d';
    const nonce = '0e66f71edc43e42a45ad3c6fc6cdc4df';
    const bytes = Uint8Array.from(Buffer.from(entropy + nonce, 'hex'));
    const drbg = hmacDrbg(bytes);
    drbg.reseed(Uint8Array.from(Buffer.from('01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552', 'hex')));
    drbg.generate(128);
    expect(bytesToHex(drbg.generate(128))).toBe(
      '76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb2b1bc215000209208cd506cb28da2a51bdb03826aaf2bd2335d576d519160842e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a80225422918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124',
    );
  });

  it('the same seed gives the same key, another seed another key', () => {
    const a = generateRsaKeyMaterial(seed('one'));
    const b = generateRsaKeyMaterial(seed('one'));
    const c = generateRsaKeyMaterial(seed('two'));
    expect(bytesToHex(a.pkcs8)).toBe(bytesToHex(b.pkcs8));
    expect(bytesToHex(a.pkcs8)).not.toBe(bytesToHex(c.pkcs8));
  });

  it('makes a valid 2048-bit key: OpenSSL imports it, and its signatures verify under the COSE public key', () => {
    const key = generateRsaKeyMaterial(seed('valid'));
    const privateKey = createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' });
    expect(privateKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    const data = Buffer.from('authenticatorData || clientDataHash');
    const signature = sign('sha256', data, privateKey);
    const publicKey = createPublicKey({ key: Buffer.from(coseKeyToSpki(key.publicKey)), format: 'der', type: 'spki' });
    expect(verify('sha256', data, publicKey, signature)).toBe(true);
    // The pure-JS Miller–Rabin path judges the DRBG's candidates as OpenSSL does: the same key.
    const p = deterministicRsaKey(seed('valid'));
    expect(bytesToHex(bigIntToBytes(p.n))).toBe(bytesToHex(key.publicKey.kty === 3 ? key.publicKey.n : new Uint8Array()));
    expect(p.p * p.q).toBe(p.n);
    expect((p.d * p.e) % (p.p - 1n)).toBe(1n);
  });
});
