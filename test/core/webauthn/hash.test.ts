import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../core/webauthn/hash.js';

describe('sha256', () => {
  it('gives the FIPS 180-2 digests and agrees with noble (the renderer\'s path) on 300 inputs, as a plain Uint8Array', () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let n = 0; n < 300; n++) {
      const input = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(hex(sha256(input))).toBe(hex(nobleSha256(input)));
    }
    expect(sha256(new Uint8Array(1)).constructor).toBe(Uint8Array);
  });
});
