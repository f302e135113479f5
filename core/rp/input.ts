import { HarnessError } from '../errors.js';
import { fromBase64url } from '../webauthn/index.js';

/** Shape checks on caller input: wrong types are INVALID_INPUT, oversized values PAYLOAD_TOO_LARGE, before any parsing. */

export function requireString(value: unknown, what: string, max = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new HarnessError('INVALID_INPUT', `${what} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

export function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HarnessError('INVALID_INPUT', `${what} must be an object`);
  return value as Record<string, unknown>;
}

/** base64url characters needed for `maxBytes` bytes (plus slack for padding-free rounding). */
export function base64urlChars(maxBytes: number): number {
  return Math.ceil((maxBytes * 4) / 3) + 4;
}

export function b64(value: unknown, what: string, maxChars: number): Uint8Array {
  if (typeof value !== 'string') throw new HarnessError('INVALID_INPUT', `${what} must be a base64url string`);
  if (value.length > maxChars) throw new HarnessError('PAYLOAD_TOO_LARGE', `${what} is larger than allowed`);
  return fromBase64url(value, what);
}
