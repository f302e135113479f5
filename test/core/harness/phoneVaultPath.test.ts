import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPhoneRegistry, phoneVaultPath } from '../../../core/harness/openPhoneRegistry.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'pkh-vault-path-'));

describe('phoneVaultPath: each database its own phones', () => {
  it('two brand-new databases in one folder do not share phones', () => {
    const dir = tempDir();
    const a = join(dir, 'a.sqlite');
    const b = join(dir, 'b.db');
    expect(phoneVaultPath({ dbPath: a })).toBe(join(dir, 'a.phones.sqlite'));
    expect(phoneVaultPath({ dbPath: b })).toBe(join(dir, 'b.phones.sqlite'));
    const phonesA = openPhoneRegistry({ dbPath: a, passphrase: 'pw' });
    phonesA.create('alice-iphone', 'iphone-icloud');
    phonesA.close();
    const phonesB = openPhoneRegistry({ dbPath: b, passphrase: 'pw' });
    expect(phonesB.list()).toEqual([]);
    phonesB.close();
  });

  it('an existing database beside the shared phones.sqlite of earlier versions keeps it; a new one beside it does not', () => {
    const dir = tempDir();
    const db = join(dir, 'server.sqlite');
    const legacy = openPhoneRegistry({ dbPath: db, vaultPath: join(dir, 'phones.sqlite'), passphrase: 'pw' });
    legacy.create('old-phone', 'yubikey-5');
    legacy.close();
    writeFileSync(db, '');
    expect(phoneVaultPath({ dbPath: db })).toBe(join(dir, 'phones.sqlite'));
    const kept = openPhoneRegistry({ dbPath: db, passphrase: 'pw' });
    expect(kept.list().map((p) => p.name)).toEqual(['old-phone']);
    kept.close();
    expect(phoneVaultPath({ dbPath: join(dir, 'fresh.sqlite') })).toBe(join(dir, 'fresh.phones.sqlite'));
  });

  it('an explicit vault wins; a memory database gets memory phones', () => {
    expect(phoneVaultPath({ dbPath: '/x/server.sqlite', vaultPath: '/y/v.sqlite' })).toBe('/y/v.sqlite');
    expect(phoneVaultPath({ dbPath: ':memory:' })).toBe(':memory:');
  });
});
