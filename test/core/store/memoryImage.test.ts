import { expect, it } from 'vitest';
import { MIGRATIONS } from '../../../core/store/migrations.js';
import { openStore } from '../../../core/store/index.js';

// In-memory stores start as copies of one migrated image (openStore.ts): each copy must be a
// fully migrated, independent database with its per-connection settings.
it('in-memory stores are independent, fully migrated copies with foreign keys on', () => {
  const first = openStore({ path: ':memory:' });
  const second = openStore({ path: ':memory:' });
  try {
    first.accounts.insert({ loginId: 'only-in-first', userHandle: new Uint8Array(16), passwordHash: 'x', tradingPasswordHash: 'y', displayName: 'F', createdAt: 1 });
    first.meta.set('probe', 'first');
    expect(first.accounts.byLoginId('only-in-first')).toBeDefined();
    expect(second.accounts.byLoginId('only-in-first')).toBeUndefined();
    expect(second.meta.get('probe')).toBeUndefined();
    const third = openStore({ path: ':memory:' });
    expect(third.accounts.byLoginId('only-in-first')).toBeUndefined();
    expect(third.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    expect(Number(third.driver.pragma('foreign_keys'))).toBe(1);
    const triggers = third.driver.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all<{ name: string }>().map((r) => r.name);
    expect(triggers).toEqual(expect.arrayContaining(['audit_log_no_update', 'audit_log_no_delete']));
    third.close();
  } finally {
    first.close();
    second.close();
  }
});
