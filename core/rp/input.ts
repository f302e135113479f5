import { HarnessError } from '../errors.js';
import { fromBase64url } from '../webauthn/index.js';
import { hasControlCharacter } from '../terminalText.js';
import { hasLoneSurrogate } from '../wellFormed.js';

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

const encoder = new TextEncoder();
const utf8Length = (text: string) => encoder.encode(text).length;

/**
 * Account text an authenticator will show (WebAuthn §6.4.1, user.name / user.displayName): at most
 * `maxChars` UTF-16 units and `maxBytes` UTF-8 bytes, no control character (PRECIS profiles exclude
 * them; they would reach mails and account pickers raw) and no lone surrogate (SQLite would store
 * U+FFFD: the text read back would not be the text given).
 */
export function requireDisplayText(value: unknown, what: string, limits: { maxChars: number; maxBytes?: number }): string {
  const text = requireString(value, what, limits.maxChars);
  if (limits.maxBytes !== undefined && utf8Length(text) > limits.maxBytes) throw new HarnessError('INVALID_INPUT', `${what} must be at most ${limits.maxBytes} bytes in UTF-8`);
  if (hasControlCharacter(text)) throw new HarnessError('INVALID_INPUT', `${what} must not contain control characters`);
  if (hasLoneSurrogate(text)) throw new HarnessError('INVALID_INPUT', `${what} is not valid Unicode (a lone surrogate)`);
  return text;
}

/** Passkey names: at most this many UTF-16 units, as the HTTP schema counts them. */
export const MAX_PASSKEY_NAME = 64;

/**
 * A customer's name for a passkey, or undefined for the default one. Trimmed, then cut to
 * MAX_PASSKEY_NAME units at a code point boundary (a cut pair would be stored as U+FFFD). Control
 * characters are kept: every plain-text output escapes them (escapeForDisplay).
 */
export function passkeyName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HarnessError('INVALID_INPUT', 'name must be a string');
  if (hasLoneSurrogate(value)) throw new HarnessError('INVALID_INPUT', 'name is not valid Unicode (a lone surrogate)');
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  let cut = trimmed.slice(0, MAX_PASSKEY_NAME);
  if (hasLoneSurrogate(cut)) cut = cut.slice(0, -1);
  return cut;
}
