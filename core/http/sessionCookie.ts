import { HarnessError } from '../errors.js';

/**
 * Several phone frames in one console share an origin, hence a cookie jar. Each frame names
 * its slot (`?slot=NAME` → header `X-Harness-Slot`), and its session lives in its own cookie.
 */
export const SLOT_HEADER = 'x-harness-slot';
export const CUSTOMER_COOKIE = 'pkh_session';

const SLOT_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export function cookieNameFor(base: string, slot: string | undefined): string {
  if (slot === undefined || slot === '' || slot === 'default') return base;
  if (!SLOT_PATTERN.test(slot)) throw new HarnessError('INVALID_INPUT', 'X-Harness-Slot must be 1-32 letters, digits, "-" or "_"');
  return `${base}_${slot}`;
}
