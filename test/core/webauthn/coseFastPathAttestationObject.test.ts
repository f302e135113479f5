import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeAttestationObject, encodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, flagsToByte } from '../../../core/webauthn/authData.js';
import { bytesToHex } from '../../../core/webauthn/bytes.js';
import { encodeCbor, type CborKey, type CborValue } from '../../../core/webauthn/cbor.js';

/** What encodeAttestationObject produced before its direct layout: the whole map through the generic canonical encoder. */
function generic(fmt: string, attStmt: Map<CborKey, CborValue>, authData: Uint8Array): Uint8Array {
  return encodeCbor(new Map<CborKey, CborValue>([['fmt', fmt], ['attStmt', attStmt], ['authData', authData]]));
}

const cborLeaf: fc.Arbitrary<CborValue> = fc.oneof(fc.integer(), fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), fc.boolean());
const attStmt = fc
  .array(fc.tuple(fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -300, max: 300 })), fc.oneof(cborLeaf, fc.array(cborLeaf, { maxLength: 3 }))), { maxLength: 5 })
  .map((entries) => new Map<CborKey, CborValue>(entries));

describe('encodeAttestationObject direct layout (WebAuthn §6.5, CTAP2 §8 canonical form)', () => {
  it('matches the generic canonical encoder for random statements, formats and authData lengths across every head size', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), attStmt, fc.integer({ min: 0, max: 70000 }), (fmt, stmt, length) => {
        const authData = new Uint8Array(length).map((_, i) => i * 7);
        expect(bytesToHex(encodeAttestationObject({ fmt, attStmt: stmt, authData }))).toBe(bytesToHex(generic(fmt, stmt, authData)));
      }),
      { numRuns: 200, seed: 15 },
    );
  });

  it('matches it at the head boundaries and for the formats the phone sends', () => {
    for (const fmt of ['none', 'packed', 'fido-u2f', 'tpm', 'android-key', 'x'.repeat(23), 'x'.repeat(24), 'x'.repeat(255), 'x'.repeat(256), 'ü', 'é'.repeat(12), '😀', '\ud800', 'a\udc00b', 'x'.repeat(30) + '\ud800']) {
      for (const length of [0, 23, 24, 37, 255, 256, 65535, 65536]) {
        const authData = new Uint8Array(length).fill(0x5a);
        for (const stmt of [new Map(), new Map<CborKey, CborValue>([['alg', -7], ['sig', new Uint8Array(71)]])]) {
          expect(bytesToHex(encodeAttestationObject({ fmt, attStmt: stmt, authData }))).toBe(bytesToHex(generic(fmt, stmt, authData)));
        }
      }
    }
  });

  it('round-trips through the strict decoder, a Buffer authData included', () => {
    const authData = Buffer.from(new Uint8Array(152).fill(3));
    const decoded = decodeAttestationObject(encodeAttestationObject({ fmt: 'none', attStmt: new Map(), authData }));
    expect(decoded.fmt).toBe('none');
    expect(decoded.attStmt.size).toBe(0);
    expect(bytesToHex(decoded.authData)).toBe(bytesToHex(authData));
  });

  it('returns a fresh buffer each time (the malformedCbor fault writes into it)', () => {
    const first = encodeAttestationObject({ fmt: 'none', attStmt: new Map(), authData: new Uint8Array(37) });
    first[0] = 0xa4;
    expect(encodeAttestationObject({ fmt: 'none', attStmt: new Map(), authData: new Uint8Array(37) })[0]).toBe(0xa3);
  });
});

describe('buildAuthenticatorData flags byte (WebAuthn §6.1)', () => {
  it('sets AT and ED from the data unless given, as flagsToByte of the merged flags did', () => {
    const attested = { aaguid: new Uint8Array(16), credentialId: new Uint8Array(16), credentialPublicKey: Uint8Array.of(0xa0) };
    for (let bits = 0; bits < 1 << 6; bits++) {
      for (const at of [undefined, true, false]) {
        for (const ed of [undefined, true, false]) {
          for (const withData of [false, true]) {
            const flags = { up: !!(bits & 1), uv: !!(bits & 2), be: !!(bits & 4), bs: !!(bits & 8), ...(at === undefined ? {} : { at }), ...(ed === undefined ? {} : { ed }) };
            const built = buildAuthenticatorData({ rpIdHash: new Uint8Array(32), flags, signCount: 0, ...(withData ? { attestedCredentialData: attested, extensions: Uint8Array.of(0xa0) } : {}) });
            expect(built[32]).toBe(flagsToByte({ ...flags, at: at ?? withData, ed: ed ?? withData }));
          }
        }
      }
    }
  });
});

