import { describe, expect, it } from 'vitest';
import { decodeCbor, decodeCborPrefix, encodeCbor } from '../../../core/webauthn/cbor.js';
import { bytesToHex, hexToBytes } from '../../../core/webauthn/bytes.js';
import { isHarnessError } from '../../../core/errors.js';

function rejects(hex: string | Uint8Array, code: string): void {
  const bytes = typeof hex === 'string' ? hexToBytes(hex) : hex;
  let caught: unknown;
  try {
    decodeCbor(bytes);
  } catch (error) {
    caught = error;
  }
  expect(isHarnessError(caught), String(caught)).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

describe('encodeCbor', () => {
  it('sorts map keys in CTAP2 canonical order and uses no tags', () => {
    const map = new Map<number | string, unknown>([['fmt', 'none'], [-2, new Uint8Array([1, 2])], [3, -7], [1, 2], [-1, 1]]);
    expect(bytesToHex(encodeCbor(map))).toBe('a50102032620012142010263666d74646e6f6e65');
  });
  it('encodes byte strings as major type 2 without tag 64', () => {
    expect(bytesToHex(encodeCbor(new Uint8Array([0xaa])))).toBe('41aa');
  });
  it('round-trips nested values', () => {
    const value = new Map<number | string, unknown>([['a', [1, -1, 1000, 'x', new Uint8Array(3)]], ['b', new Map([[1, true]])]]);
    expect(decodeCbor(encodeCbor(value))).toEqual(value);
  });
});

describe('decodeCbor rejects hostile input', () => {
  it('rejects input over 64 KiB', () => rejects(new Uint8Array(65537), 'CBOR_TOO_LARGE'));
  it('rejects nesting deeper than 5', () => rejects('818181818181' + '00', 'CBOR_TOO_DEEP'));
  it('accepts nesting of exactly 5', () => expect(decodeCbor(hexToBytes('818181818100'))).toEqual([[[[[0]]]]]));
  it('rejects a tag (tag 24 wrapping bytes)', () => rejects('d81841aa', 'CBOR_TAG_FORBIDDEN'));
  it('rejects tag 259 on a map', () => rejects('d90103a0', 'CBOR_TAG_FORBIDDEN'));
  it('rejects an indefinite-length byte string', () => rejects('5f41aaff', 'CBOR_INDEFINITE_LENGTH'));
  it('rejects an indefinite-length map', () => rejects('bf0102ff', 'CBOR_INDEFINITE_LENGTH'));
  it('rejects a non-shortest integer (1 encoded in one extra byte)', () => rejects('1801', 'CBOR_NON_CANONICAL'));
  it('rejects a non-shortest integer (255 in two bytes)', () => rejects('1900ff', 'CBOR_NON_CANONICAL'));
  it('rejects a non-shortest length (byte string length 1 in a length byte)', () => rejects('5801aa', 'CBOR_NON_CANONICAL'));
  it('rejects a duplicate map key', () => rejects('a201020103', 'CBOR_DUPLICATE_KEY'));
  it('rejects a duplicate text key', () => rejects('a2616101616102', 'CBOR_DUPLICATE_KEY'));
  it('rejects trailing bytes', () => rejects('0000', 'CBOR_TRAILING_BYTES'));
  it('rejects a truncated byte string', () => rejects('4401', 'CBOR_MALFORMED'));
  it('rejects a huge declared array length without allocating', () => rejects('9bffffffffffffffff', 'CBOR_MALFORMED'));
  it('rejects a huge declared map length', () => rejects('ba7fffffff', 'CBOR_MALFORMED'));
  it('rejects a stray break byte', () => rejects('ff', 'CBOR_MALFORMED'));
  it('rejects reserved additional info', () => rejects('1c', 'CBOR_MALFORMED'));
  it('rejects invalid UTF-8 in a text string', () => rejects('62c328', 'CBOR_MALFORMED'));
  // A decoder that drops a leading U+FEFF reads "\uFEFFnone" as "none": another decoder's "none" is not ours.
  it('keeps a leading byte order mark in a text string', () => expect(decodeCbor(hexToBytes('67efbbbf6e6f6e65'))).toBe('\uFEFFnone'));
  it('rejects empty input', () => rejects(new Uint8Array(0), 'CBOR_MALFORMED'));
  it('rejects byte-string map keys', () => rejects('a14100' + '01', 'CBOR_MALFORMED'));
});

describe('decodeCborPrefix', () => {
  it('reports how many bytes the first item used', () => {
    expect(decodeCborPrefix(hexToBytes('a10102ffff'))).toEqual({ value: new Map([[1, 2]]), bytesRead: 3 });
  });
});
