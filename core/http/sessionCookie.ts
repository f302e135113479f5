import { sha256 } from '@noble/hashes/sha2.js';
import { HarnessError } from '../errors.js';
import { toBase64url } from '../webauthn/index.js';

/**
 * Several phone frames in one console share an origin, hence a cookie jar. Each frame names
 * its slot (`?slot=NAME` → header `X-Harness-Slot`), and its session lives in its own cookie.
 */
export const SLOT_HEADER = 'x-harness-slot';
export const CUSTOMER_COOKIE = 'pkh_session';

const SAFE_SLOT = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * `pkh_session` for the default slot, `pkh_session_NAME` for a plain ASCII name; any other
 * name (phones may be called "iPhone 15" or "山田のiPhone", sent percent-encoded) gets a
 * stable hash suffix, so every slot maps to a valid, distinct cookie name.
 */
export function cookieNameFor(base: string, slot: string | undefined): string {
  if (slot === undefined || slot === '' || slot === 'default') return base;
  if (slot.length > 256) throw new HarnessError('INVALID_INPUT', 'X-Harness-Slot is too long');
  if (SAFE_SLOT.test(slot)) return `${base}_${slot}`;
  return `${base}_h${toBase64url(sha256(new TextEncoder().encode(slot))).slice(0, 16)}`;
}
