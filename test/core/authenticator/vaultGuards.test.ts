import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openVault } from '../../../core/authenticator/vault.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vault-guards-'));
  dirs.push(dir);
  return join(dir, 'phones.sqlite');
}

const codeOf = (run: () => unknown): string => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'THREW';
  }
};

describe('vault guards no other test noticed removed', () => {
  it('opens no vault without a passphrase (VAULT_LOCKED), and creates no file for it', () => {
    const path = tempPath();
    expect(codeOf(() => openVault({ path, passphrase: '', scryptCost: 1024 }))).toBe('VAULT_LOCKED');
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a blank phone name on create and on rename (INVALID_INPUT), leaving the vault as it was', () => {
    const vault = openVault({ path: tempPath(), passphrase: 'correct horse', scryptCost: 1024 });
    for (const blank of ['', '   ', '\u3000']) expect(codeOf(() => vault.createPhone({ name: blank }))).toBe('INVALID_INPUT');
    vault.createPhone({ name: 'pixel' });
    expect(codeOf(() => vault.renamePhone({ from: 'pixel', to: ' ' }))).toBe('INVALID_INPUT');
    expect(vault.listPhones().map((p) => p.name)).toEqual(['pixel']);
    vault.close();
  });

  it('a damaged key-derivation cost in the vault file is VAULT_LOCKED naming it, not a crypto exception or a huge allocation', () => {
    const path = tempPath();
    openVault({ path, passphrase: 'correct horse', scryptCost: 1024 }).close();
    for (const [stored, shown] of [['abc', '"abc"'], ['1000', '"1000"'], ['1073741824', '"1073741824"'], ['', '""'], ['1e3', '"1e3"']] as const) {
      const db = new Database(path);
      db.prepare("UPDATE vault_meta SET value = ? WHERE key = 'kdf_cost'").run(Buffer.from(stored));
      db.close();
      let error: { code?: string; message?: string } = {};
      try {
        openVault({ path, passphrase: 'correct horse' }).close();
      } catch (caught) {
        error = caught as typeof error;
      }
      expect(error.code, stored).toBe('VAULT_LOCKED');
      expect(error.message, stored).toContain(`key-derivation cost is damaged (${shown}`);
    }
    // Put back, the vault opens again: nothing else was touched.
    const db = new Database(path);
    db.prepare("UPDATE vault_meta SET value = ? WHERE key = 'kdf_cost'").run(Buffer.from('1024'));
    db.close();
    expect(codeOf(() => openVault({ path, passphrase: 'correct horse' }).close())).toBe('ok');
  });

  it('a phone whose stored profile was damaged is VAULT_LOCKED naming the phone, not a JSON SyntaxError', () => {
    const path = tempPath();
    const vault = openVault({ path, passphrase: 'correct horse', scryptCost: 1024 });
    vault.createPhone({ name: 'pixel' });
    vault.close();
    const db = new Database(path);
    db.prepare("UPDATE phones SET profile = '{\"aaguid\": ' WHERE name = 'pixel'").run();
    db.close();
    const reopened = openVault({ path, passphrase: 'correct horse' });
    for (const use of [() => reopened.listPhones(), () => reopened.exportPhone('pixel'), () => reopened.authenticatorFor('pixel')]) {
      let error: { code?: string; message?: string } = {};
      try {
        use();
      } catch (caught) {
        error = caught as typeof error;
      }
      expect(error).toMatchObject({ code: 'VAULT_LOCKED', message: expect.stringContaining('phone "pixel" is damaged') });
    }
    reopened.close();
  });
});
