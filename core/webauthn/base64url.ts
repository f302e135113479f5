import { HarnessError } from '../errors.js';

/** The only base64url codec in the harness. Bytes are always Uint8Array. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function toBase64url(bytes: Uint8Array): string {
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

/**
 * Strict decoder: rejects padding, the standard alphabet's '+' and '/', whitespace,
 * impossible lengths and non-zero trailing bits, so one byte string has one encoding.
 */
export function fromBase64url(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string') throw new HarnessError('BASE64URL_INVALID', `${what} must be a base64url string`);
  const len = text.length;
  if (len % 4 === 1) throw new HarnessError('BASE64URL_INVALID', `${what} has an impossible base64url length`);
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new HarnessError('BASE64URL_INVALID', `${what} is not valid base64url`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new HarnessError('BASE64URL_INVALID', `${what} has non-canonical base64url padding bits`);
  return out.subarray(0, o);
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
