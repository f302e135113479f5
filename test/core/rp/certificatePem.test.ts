import { describe, expect, it } from 'vitest';
import { certificatePem } from '../../../core/rp/attestation/certificatePem.js';

// verifyMetadataBlob and evaluateAttestation share it; hostileAttestation.test.ts has the chain that exposed the empty line.
describe('certificatePem', () => {
  it.each([47, 48, 96, 100])('a %d-byte body gives lines of 64 and no empty line', (n) => {
    const pem = certificatePem(new Uint8Array(n).fill(0x41));
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(lines.slice(1, -1).every((l) => l.length > 0 && l.length <= 64)).toBe(true);
    expect(lines.slice(1, -1).join('')).toBe(Buffer.alloc(n, 0x41).toString('base64'));
  });
});
