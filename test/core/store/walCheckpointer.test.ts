import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { openBetterSqlite, openStore } from '../../../core/store/index.js';
import { BACKSTOP_PAGES, STARTUP_COMMITS, walCheckpointer } from '../../../core/store/walCheckpointer.js';

const dirs: string[] = [];
const tempPath = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-wal-'));
  dirs.push(dir);
  return join(dir, name);
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// Checkpoints move off the request thread (walCheckpointer.ts): the worker, not the committing
// connection, copies the WAL into the database file, and the store still closes last.
it('a busy file store hands WAL checkpoints to a worker, and its close is still the last one', async () => {
  const path = tempPath('busy.sqlite');
  const store = openStore({ path });
  let closed = false;
  try {
    expect(store.checkpointer?.running).toBe(false);
    expect(Number(store.driver.pragma('wal_autocheckpoint'))).toBe(1000);
    const before = statSync(path).size;
    const value = 'x'.repeat(3000);
    for (let i = 0; i < STARTUP_COMMITS; i++) store.transaction(() => store.meta.set(`probe.${i}`, value));
    expect(store.checkpointer!.running).toBe(true);
    expect(Number(store.driver.pragma('wal_autocheckpoint'))).toBe(BACKSTOP_PAGES);
    // These commits wrote far fewer frames than the backstop: only the worker can have copied them into the file.
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(before + STARTUP_COMMITS * value.length), { timeout: 30_000, interval: 20 });
    store.close();
    closed = true;
    // The worker's connection closed first, so the store's close checkpointed and removed the WAL.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const again = openStore({ path });
    expect(again.meta.get(`probe.${STARTUP_COMMITS - 1}`)).toBe(value);
    again.close();
  } finally {
    if (!closed) store.close();
  }
});

it('a quiet store starts no worker; in-memory stores have no checkpointer', () => {
  const path = tempPath('quiet.sqlite');
  const store = openStore({ path });
  for (let i = 0; i < STARTUP_COMMITS - 1; i++) store.transaction(() => store.meta.set('probe', String(i)));
  expect(store.checkpointer!.running).toBe(false);
  store.close();
  const memory = openStore({ path: ':memory:' });
  expect(memory.checkpointer).toBeUndefined();
  memory.close();
});

it('a worker that cannot open the database hands checkpoints back to SQLite', async () => {
  const path = tempPath('present.sqlite');
  const driver = openBetterSqlite(path);
  driver.pragma('journal_mode = WAL');
  const checkpointer = walCheckpointer(driver, join(path, '..', 'absent.sqlite'), { startupCommits: 1 });
  try {
    checkpointer.noteCommit();
    expect(Number(driver.pragma('wal_autocheckpoint'))).toBe(BACKSTOP_PAGES);
    await vi.waitFor(() => expect(checkpointer.running).toBe(false), { timeout: 30_000, interval: 20 });
    expect(Number(driver.pragma('wal_autocheckpoint'))).toBe(1000);
  } finally {
    checkpointer.close();
    driver.close();
  }
});
