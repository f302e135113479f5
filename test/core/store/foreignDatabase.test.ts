import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openVault } from '../../../core/authenticator/index.js';
import { openStore } from '../../../core/store/index.js';

/** Whether this process still holds `path` open (Linux: /proc/self/fd). */
const heldOpen = (path: string) =>
  readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });

/** Another program's SQLite file (rollback journal, its own tables), as a mistyped --db or --vault finds it. */
function foreignDatabase(): { path: string; digest: () => string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-foreign-'));
  const path = join(dir, 'places.sqlite');
  const db = new Database(path);
  db.exec("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES ('https://example.org/')");
  db.close();
  return { path, dir, digest: () => createHash('sha256').update(readFileSync(path)).digest('hex') };
}

describe('a database of another program', () => {
  it('is refused as the RP store with STORE_FAILED, byte for byte unchanged and nothing created beside it', () => {
    const foreign = foreignDatabase();
    const before = foreign.digest();
    expect(() => openStore({ path: foreign.path })).toThrow(expect.objectContaining({ code: 'STORE_FAILED', message: expect.stringMatching(/not a passkey-harness database.*moz_places.*nothing was changed/) }));
    expect(foreign.digest()).toBe(before);
    expect(readdirSync(foreign.dir)).toEqual(['places.sqlite']);
  });

  it('is refused as a phone vault with VAULT_LOCKED, unchanged; so is a vault of a newer schema', () => {
    const foreign = foreignDatabase();
    const before = foreign.digest();
    expect(() => openVault({ path: foreign.path, passphrase: 'pw', scryptCost: 1024 })).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED', message: expect.stringMatching(/not a phone vault.*moz_places/) }));
    // Refused and closed: no handle (and no lock) is left on the other program's file.
    expect(heldOpen(foreign.path)).toBe(false);
    expect(foreign.digest()).toBe(before);
    expect(readdirSync(foreign.dir)).toEqual(['places.sqlite']);

    const newer = join(foreign.dir, 'newer.sqlite');
    openVault({ path: newer, passphrase: 'pw', scryptCost: 1024 }).close();
    const db = new Database(newer);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openVault({ path: newer, passphrase: 'pw', scryptCost: 1024 })).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED', message: expect.stringContaining('newer passkey-harness') }));
  });

  it('an empty file or a fresh path still becomes a store and a vault', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkh-foreign-'));
    const store = openStore({ path: join(dir, 'new.sqlite') });
    expect(store.schemaVersion()).toBeGreaterThan(0);
    store.close();
    new Database(join(dir, 'empty.sqlite')).close();
    const vault = openVault({ path: join(dir, 'empty.sqlite'), passphrase: 'pw', scryptCost: 1024 });
    vault.close();
    expect(existsSync(join(dir, 'empty.sqlite'))).toBe(true);
  });
});
