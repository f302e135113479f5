import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from '../../random.js';

/** Six uniformly distributed digits: rejection sampling avoids the modulo bias of `n % 1e6`. */
export function sixDigits(random: Random): string {
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000;
  for (;;) {
    const b = random.bytes(4);
    const n = ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
    if (n < limit) return String(n % 1_000_000).padStart(6, '0');
  }
}

/** Codes are stored as HMAC(salt, code): a database reader learns nothing without brute force per row. */
export function hashCode(code: string, salt: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', salt).update(code).digest());
}

export function codeMatches(code: string, salt: Uint8Array, stored: Uint8Array): boolean {
  const actual = hashCode(code, salt);
  return actual.length === stored.length && timingSafeEqual(actual, stored);
}
