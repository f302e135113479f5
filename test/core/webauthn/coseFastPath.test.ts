import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveEcKey } from '../../../core/authenticator/crypto/keys.js';
import { HarnessError } from '../../../core/errors.js';
import { bytesToHex } from '../../../core/webauthn/bytes.js';
import { encodeCbor, type CborKey, type CborValue } from '../../../core/webauthn/cbor.js';
import { decodeCoseKey, encodeCoseKey, type CoseKey } from '../../../core/webauthn/cose.js';

/** What encodeCoseKey produced before its fixed layouts: the COSE map through the generic canonical encoder. */
function generic(key: CoseKey): Uint8Array {
  const map = new Map<CborKey, CborValue>([
    [1, key.kty],
    [3, key.alg],
  ]);
  if (key.kty === 2) map.set(-1, key.crv).set(-2, key.x).set(-3, key.y);
  else if (key.kty === 1) map.set(-1, key.crv).set(-2, key.x);
  else map.set(-1, key.n).set(-2, key.e);
  return encodeCbor(map);
}

// fast-check is seeded, so a failure names a replayable key seed.
const seeds = fc.uint8Array({ minLength: 48, maxLength: 48 });

describe('encodeCoseKey fixed layouts', () => {
  it('encodes random P-256 keys byte for byte as the generic canonical encoder does (RFC 9053 §7.1.1, CTAP2 §8 ordering)', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const { publicKey } = deriveEcKey(-7, seed);
        const fast = encodeCoseKey(publicKey);
        expect(bytesToHex(fast)).toBe(bytesToHex(generic(publicKey)));
        expect(fast.length).toBe(77);
        expect(bytesToHex(encodeCoseKey(publicKey, { skipP256PointCheck: true }))).toBe(bytesToHex(fast));
        expect(decodeCoseKey(fast)).toEqual(publicKey);
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('encodes random Ed25519 keys byte for byte as the generic canonical encoder does (RFC 9053 §7.2 OKP)', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const { publicKey } = deriveEcKey(-8, seed);
        const fast = encodeCoseKey(publicKey);
        expect(bytesToHex(fast)).toBe(bytesToHex(generic(publicKey)));
        expect(fast.length).toBe(42);
        expect(decodeCoseKey(fast)).toEqual(publicKey);
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('keeps coordinates with leading zero bytes at 32 bytes, as the generic encoder does', () => {
    // Not on the curve: the layout, not the point check, is under test here.
    const x = new Uint8Array(32);
    const y = new Uint8Array(32).fill(0xff);
    y[0] = 0;
    const key: CoseKey = { kty: 2, alg: -7, crv: 1, x, y };
    expect(bytesToHex(encodeCoseKey(key, { skipP256PointCheck: true }))).toBe(bytesToHex(generic(key)));
  });

  it('returns a fresh buffer: mutating one encoding leaves the next intact', () => {
    const { publicKey } = deriveEcKey(-7, new Uint8Array(48).fill(7));
    const first = encodeCoseKey(publicKey);
    first[0] = 0;
    expect(encodeCoseKey(publicKey)[0]).toBe(0xa5);
  });

  it('still encodes RSA keys through the generic encoder', () => {
    const n = new Uint8Array(256).fill(0xc3);
    const key: CoseKey = { kty: 3, alg: -257, n, e: Uint8Array.of(1, 0, 1) };
    expect(bytesToHex(encodeCoseKey(key))).toBe(bytesToHex(generic(key)));
  });

  it('still validates before the fast path: a short P-256 coordinate is refused', () => {
    const key = { kty: 2, alg: -7, crv: 1, x: new Uint8Array(31), y: new Uint8Array(32) } as CoseKey;
    expect(() => encodeCoseKey(key, { skipP256PointCheck: true })).toThrow(HarnessError);
  });

  it('still validates before the fast path: an OKP key with the wrong curve is refused', () => {
    const { publicKey } = deriveEcKey(-8, new Uint8Array(48).fill(9));
    expect(() => encodeCoseKey({ ...publicKey, crv: 1 } as unknown as CoseKey)).toThrow(HarnessError);
  });
});
