import { createHash, timingSafeEqual } from 'node:crypto';
import type { Random } from '../random.js';
import type { Store } from '../store/index.js';
import { toBase64url } from '../webauthn/index.js';
import type { AdminRole } from './channels.js';
import type { HarnessCaller } from './types.js';

const ROLES: readonly AdminRole[] = ['operator', 'viewer'];
const tokenKey = (role: AdminRole) => `harness.token.${role}`;
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export interface HarnessTokens {
  /**
   * Mints a bearer token for `caller`. Only its SHA-256 is stored, in the database, replacing
   * the previous token of the same role, so a restart of `serve` rotates the tokens and every
   * server process on this database accepts the current ones.
   */
  issue(caller: HarnessCaller): string;
  /** The admin a bearer token belongs to, or undefined (unknown, rotated, or admin gone). */
  authenticate(token: string): HarnessCaller | undefined;
}

/** Bearer tokens, one per role, stored hashed in the RP database's meta table. */
export function createTokens({ store, random }: { store: Store; random: Random }): HarnessTokens {
  return {
    issue(caller) {
      const token = toBase64url(random.bytes(32));
      store.meta.set(tokenKey(caller.role), JSON.stringify({ hash: sha256Hex(token), name: caller.name }));
      return token;
    },
    authenticate(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 256) return undefined;
      // Compared as SHA-256 digests in constant time, so a lookup does not leak how much of a guess matched.
      const presented = Buffer.from(sha256Hex(token), 'hex');
      for (const role of ROLES) {
        const stored = store.meta.get(tokenKey(role));
        if (!stored) continue;
        const { hash, name } = JSON.parse(stored) as { hash: string; name: string };
        const expected = Buffer.from(hash, 'hex');
        if (expected.length === presented.length && timingSafeEqual(expected, presented)) {
          const admin = store.admins.byName(name);
          return admin ? { name: admin.name, role: admin.role } : undefined;
        }
      }
      return undefined;
    },
  };
}
