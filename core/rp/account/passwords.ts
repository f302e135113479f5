import { scryptSync, timingSafeEqual } from 'node:crypto';
import type { Random } from '../../random.js';
import { fromBase64url, toBase64url } from '../../webauthn/index.js';

const KEY_LENGTH = 32;

/** `scrypt$N$r$p$salt$hash` (base64url), so the cost can rise later without breaking old hashes. */
export function hashPassword(password: string, opts: { random: Random; cost: number }): string {
  const salt = opts.random.bytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { N: opts.cost, r: 8, p: 1, maxmem: 256 * opts.cost * 8 + 1024 * 1024 });
  return `scrypt$${opts.cost}$8$1$${toBase64url(salt)}$${toBase64url(new Uint8Array(hash))}`;
}

/** The scrypt N a stored hash was made with (0 when it is not ours). */
export function passwordCost(stored: string): number {
  const [scheme, n] = stored.split('$');
  return scheme === 'scrypt' && n !== undefined && /^\d+$/.test(n) ? Number(n) : 0;
}

/** Recomputes scrypt with the parameters stored in the hash; constant-time compare. */
export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const N = Number(n);
  const expected = fromBase64url(hash);
  const actual = scryptSync(password, fromBase64url(salt), expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) + 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}
