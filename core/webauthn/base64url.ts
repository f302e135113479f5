import { HarnessError } from '../errors.js';

/**
 * The only base64url codec in the harness. Bytes are always Uint8Array. Two implementations with one
 * contract: Node's native codec where there is one (CLI, server, Electron main; it is lenient, so the
 * checks below run first), a portable one in the renderer. test/core/webauthn/base64url.test.ts holds
 * them to the same answers, errors included.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;
const BASE64URL_CHARS = /^[A-Za-z0-9_-]*$/;
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function encodePortable(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

function encodeNode(bytes: Uint8Array): string {
  return NodeBuffer!.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

const invalid = (what: string) => new HarnessError('BASE64URL_INVALID', `${what} is not valid base64url`);
const nonCanonical = (what: string) => new HarnessError('BASE64URL_INVALID', `${what} has non-canonical base64url padding bits`);

function checkLength(text: unknown, what: string): asserts text is string {
  if (typeof text !== 'string') throw new HarnessError('BASE64URL_INVALID', `${what} must be a base64url string`);
  if (text.length % 4 === 1) throw new HarnessError('BASE64URL_INVALID', `${what} has an impossible base64url length`);
}

function decodePortable(text: string, what: string): Uint8Array {
  checkLength(text, what);
  const len = text.length;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw invalid(what);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw nonCanonical(what);
  return out.subarray(0, o);
}

function decodeNode(text: string, what: string): Uint8Array {
  checkLength(text, what);
  if (!BASE64URL_CHARS.test(text)) throw invalid(what);
  // The last character of a 2- or 3-character group carries 4 or 2 bits no byte uses: they must be 0.
  const len = text.length;
  const spare = len % 4 === 2 ? 15 : len % 4 === 3 ? 3 : 0;
  if (spare !== 0 && (LOOKUP[text.charCodeAt(len - 1)]! & spare) !== 0) throw nonCanonical(what);
  // A copy: small Buffers share Node's pool slab, and callers may hand `.buffer` on.
  return new Uint8Array(NodeBuffer!.from(text, 'base64url'));
}

/** Both implementations, for the test that holds them to one contract. */
export const base64urlImplementations = {
  portable: { encode: encodePortable, decode: decodePortable },
  ...(NodeBuffer ? { node: { encode: encodeNode, decode: decodeNode } } : {}),
};

export function toBase64url(bytes: Uint8Array): string {
  return NodeBuffer ? encodeNode(bytes) : encodePortable(bytes);
}

/**
 * Strict decoder: rejects padding, the standard alphabet's '+' and '/', whitespace,
 * impossible lengths and non-zero trailing bits, so one byte string has one encoding.
 */
export function fromBase64url(text: string, what = 'value'): Uint8Array {
  return NodeBuffer ? decodeNode(text, what) : decodePortable(text, what);
}

export function isBase64url(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  try {
    fromBase64url(text);
    return true;
  } catch {
    return false;
  }
}
