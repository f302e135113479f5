import { HarnessError, type HarnessErrorCode } from '../errors.js';
import type { SqliteDriver } from './driver.js';

/**
 * A database this program never migrated (user_version 0) that already holds tables belongs to
 * another program: a `--db` or `--vault` pointed at it by mistake must not get our tables added or
 * its journal switched to WAL. Called before the first pragma or statement that writes.
 */
export function refuseForeignDatabase(driver: SqliteDriver, opts: { path: string; kind: string; code: HarnessErrorCode }): void {
  if (Number(driver.pragma('user_version')) !== 0) return;
  const names = driver
    .prepare(`SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT 4`)
    .all<{ name: string }>()
    .map((r) => r.name);
  if (names.length === 0) return;
  throw new HarnessError(opts.code, `${opts.path} is not a ${opts.kind}: it holds another program's tables (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}); nothing was changed`, {
    details: { path: opts.path, tables: names.slice(0, 3) },
  });
}
