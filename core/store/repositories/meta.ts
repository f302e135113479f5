import type { SqliteDriver } from '../driver.js';

/** Key/value settings of the database (RP secret, harness token hashes). */
export function metaRepository(db: SqliteDriver) {
  return {
    get(key: string): string | undefined {
      const r = db.prepare('SELECT value FROM meta WHERE key = @key').get({ key });
      return r ? String(r.value) : undefined;
    },
    /** Replaces the value (e.g. the harness's rotated admin-token hashes). */
    set(key: string, value: string): void {
      db.prepare('INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run({ key, value });
    },
    /** Sets the value only if absent and returns whichever value is stored (first writer wins). */
    getOrInit(key: string, value: string): string {
      db.prepare('INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT(key) DO NOTHING').run({ key, value });
      return this.get(key)!;
    },
  };
}
