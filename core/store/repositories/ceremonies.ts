import type { SqliteDriver } from '../driver.js';
import { num } from './columns.js';

/**
 * Finished WebAuthn ceremonies, by label (core/rp/ceremony/ceremonyHandle.ts): a started ceremony is
 * sealed into its handle and stored nowhere, so this record is what makes it single-use. Kept a grace
 * period past the ceremony's expiry (purgeExpired's USED_CEREMONY_GRACE_MS; the handle is refused as
 * expired from then on). One B-tree, no
 * foreign keys: nothing cascades into it and a row costs its commit one page.
 */
export function ceremoniesRepository(db: SqliteDriver) {
  return {
    /** True for exactly one caller per label; false when it was already recorded (a replay, or the losing side of a race). */
    markUsed(u: { label: string; usedAt: number; expiresAt: number }): boolean {
      return db.prepare('INSERT INTO used_ceremonies (label, used_at, expires_at) VALUES (@label, @usedAt, @expiresAt) ON CONFLICT(label) DO NOTHING').run(u).changes === 1;
    },
    /** When the ceremony was used, or undefined when it was not (or its record was purged after expiry). */
    usedAt(label: string): number | undefined {
      const r = db.prepare('SELECT used_at FROM used_ceremonies WHERE label = @label').get({ label });
      return r ? num(r.used_at) : undefined;
    },
    /** Purge: records of ceremonies that expired before `before`. */
    deleteExpired(before: number): number {
      return db.prepare('DELETE FROM used_ceremonies WHERE expires_at < @before').run({ before }).changes;
    },
  };
}
