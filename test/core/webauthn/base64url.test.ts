import { expect, it } from 'vitest';
import { HarnessError } from '../../../core/errors.js';
import { base64urlImplementations, fromBase64url, toBase64url } from '../../../core/webauthn/base64url.js';

const { portable, node } = base64urlImplementations;

/** What a decoder answers: the bytes, or the error's code and message. */
function answer(decode: (text: string, what: string) => Uint8Array, text: string): string {
  try {
    return `bytes:${Array.from(decode(text, 'x')).join(',')}`;
  } catch (error) {
    return error instanceof HarnessError ? `${error.code}:${error.message}` : `thrown:${String(error)}`;
  }
}

/** Deterministic bytes (xorshift), so a failure replays. */
function bytes(seed: number, length: number): Uint8Array {
  let x = seed || 1;
  return Uint8Array.from({ length }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
}

it('Node runs the native codec (the portable one is the renderer\'s)', () => {
  expect(node).toBeDefined();
});

it('both codecs encode every length alike and decode what they encode', () => {
  for (let length = 0; length <= 70; length++) {
    const data = bytes(length + 1, length);
    const text = portable.encode(data);
    expect(node!.encode(data)).toBe(text);
    expect(text).not.toMatch(/[=+/]/);
    expect(Array.from(node!.decode(text, 'x'))).toEqual(Array.from(data));
    expect(Array.from(portable.decode(text, 'x'))).toEqual(Array.from(data));
  }
  // A view into a larger buffer encodes only its own bytes.
  const big = bytes(7, 40);
  expect(toBase64url(big.subarray(5, 17))).toBe(portable.encode(big.slice(5, 17)));
});

it('both decoders refuse the same hostile spellings with the same code and message', () => {
  const hostile = [
    '', 'A', 'AA', 'AB', 'AAA', 'AAB', 'AAE', 'AAAA', 'AAAAA',
    'AA==', 'AAA=', 'AA=A', '+/8', '-_8', '-_9', 'a+b/', 'ab c', ' abc', 'abc\n', 'ab\u00e9c', 'ab\u0000c', 'abc.', 'ab%3D',
    'QUJD', 'QUI', 'QUJ', 'QR', 'QQ', 'Qg', '____', '_-_-', 'AAAAAAAA\t',
  ];
  // Every 2- and 3-character tail with its spare bits set or clear.
  for (const c of 'AEIMQUYcgkosw048BFJNRVZdhlptx159') hostile.push(`QU${c}`, `Q${c}`, `AAAA${c}A`, `AAA${c}`);
  for (let i = 0; i < 200; i++) hostile.push(portable.encode(bytes(i + 100, i % 9)) + String.fromCharCode(32 + (i % 95)));
  for (const text of hostile) expect(answer(node!.decode, text), JSON.stringify(text)).toBe(answer(portable.decode, text));
  expect(answer(fromBase64url, 'AB')).toMatch(/^BASE64URL_INVALID:.*non-canonical/);
  expect(answer(fromBase64url, 'AA==')).toMatch(/^BASE64URL_INVALID:/);
  expect(answer(fromBase64url, 'A')).toMatch(/^BASE64URL_INVALID:.*impossible/);
  expect(answer((t) => fromBase64url(42 as unknown as string, t), '')).toMatch(/^BASE64URL_INVALID:.*must be a base64url string/);
});

it('decoded bytes own their buffer (no shared pool slab behind them)', () => {
  const decoded = fromBase64url(toBase64url(bytes(3, 10)));
  expect(decoded.byteOffset).toBe(0);
  expect(decoded.buffer.byteLength).toBe(10);
});
