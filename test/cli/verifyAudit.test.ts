import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBetterSqlite, openStore } from '../../core/store/index.js';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

/** A database with five audit rows, whose newest `deleted` rows are then removed the way anyone with the file can. */
function truncatedDatabase(deleted: number): { home: string; db: string } {
  const home = tempDir();
  const db = join(home, 'server.sqlite');
  const store = openStore({ path: db });
  for (let i = 0; i < 5; i++) store.audit.append({ at: i, actor: 'test', action: 'act', outcome: 'success' });
  store.close();
  if (deleted > 0) {
    const raw = openBetterSqlite(db);
    raw.exec('DROP TRIGGER audit_log_no_delete');
    raw.exec(`DELETE FROM audit_log WHERE id > ${5 - deleted}`);
    raw.close();
  }
  return { home, db };
}

describe('pkh admin verify-audit (issue 11: truncation is detected)', () => {
  it('an intact log exits 0', () => {
    const { home, db } = truncatedDatabase(0);
    const run = cli(['admin', 'verify-audit', '--db', db], { home });
    expect(run.stdout).toContain('audit chain intact');
    expect(run.code).toBe(0);
  }, 60_000);

  for (const deleted of [1, 3]) {
    it(`deleting the newest ${deleted} row(s) exits 1 with AUDIT_TAMPERED and how many rows are missing`, () => {
      const { home, db } = truncatedDatabase(deleted);
      const run = cli(['admin', 'verify-audit', '--db', db], { home });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^AUDIT_TAMPERED: .*${deleted} row\\(s\\) missing, first at entry ${6 - deleted}`, "m"));
      expect(run.stdout).toContain('audit chain BROKEN');
      const json = cli(['admin', 'verify-audit', '--db', db, '--json'], { home });
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, missing: deleted, firstBrokenSeq: 6 - deleted });
    }, 60_000);
  }
});
