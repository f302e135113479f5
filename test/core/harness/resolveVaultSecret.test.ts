// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openVault } from '../../../core/authenticator/index.js';
import { isHarnessError } from '../../../core/errors.js';
import { createHarness } from '../../../core/harness/createHarness.js';
import { openPhoneRegistry } from '../../../core/harness/openPhoneRegistry.js';
import { resolveVaultSecret, vaultKeyPath } from '../../../core/harness/resolveVaultSecret.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-vault-key-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What the vault used before keys lived in files (issue 11 item 3): anyone could read it in the source. */
const OLD_BUILT_IN_PASSPHRASE = 'passkey-harness-development-only';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isHarnessError(error) ? error.code : `not a HarnessError: ${String(error)}`;
  }
  return undefined;
}

describe('vault key file (no built-in passphrase)', () => {
  it('creates phones.key beside the vault, owner-only (0600) even under umask 0, holding 256 random bits', () => {
    const dir = tempDir();
    const previous = process.umask(0);
    let secret;
    try {
      secret = resolveVaultSecret({ vaultPath: join(dir, 'phones.sqlite') });
    } finally {
      process.umask(previous);
    }
    expect(secret.keySource).toBe('key-file');
    expect(secret.keyFile).toBe(join(dir, 'phones.key'));
    expect(secret.keyFileCreated).toBe(true);
    expect(statSync(join(dir, 'phones.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'phones.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual(['phones.key']);
    const other = resolveVaultSecret({ vaultPath: join(tempDir(), 'phones.sqlite') });
    expect(other.passphrase).not.toBe(secret.passphrase);
  });

  it('uses the same key when the vault is reopened: phones and their private keys survive', () => {
    const dbPath = join(tempDir(), 'server.sqlite');
    const first = openPhoneRegistry({ dbPath });
    expect(first.vault).toEqual({ path: join(dbPath, '..', 'server.phones.sqlite'), keySource: 'key-file', keyFile: join(dbPath, '..', 'server.phones.key'), keyFileCreated: true });
    first.create('pixel', 'android-gpm');
    first.close();
    const again = openPhoneRegistry({ dbPath });
    expect(again.vault?.keyFileCreated).toBe(false);
    expect(again.list().map((p) => p.name)).toEqual(['pixel']);
    again.close();
  });

  it('no constant decrypts a vault made without a passphrase (the old built-in one, the empty one)', () => {
    const dir = tempDir();
    openPhoneRegistry({ dbPath: join(dir, 'server.sqlite') }).close();
    const path = join(dir, 'server.phones.sqlite');
    expect(codeOf(() => openVault({ path, passphrase: OLD_BUILT_IN_PASSPHRASE }).close())).toBe('VAULT_LOCKED');
    expect(codeOf(() => openVault({ path, passphrase: '' }).close())).toBe('VAULT_LOCKED');
    // …and the key file is what does.
    const key = readFileSync(join(dir, 'server.phones.key'), 'utf8').trim();
    expect(codeOf(() => openVault({ path, passphrase: key }).close())).toBeUndefined();
  });

  it('refuses a key file group or others may read (VAULT_KEY_INSECURE), like ssh, and opens nothing', () => {
    const dir = tempDir();
    openPhoneRegistry({ dbPath: join(dir, 'server.sqlite') }).close();
    for (const mode of [0o640, 0o604, 0o660]) {
      chmodSync(join(dir, 'server.phones.key'), mode);
      expect(codeOf(() => openPhoneRegistry({ dbPath: join(dir, 'server.sqlite') }).close())).toBe('VAULT_KEY_INSECURE');
    }
    chmodSync(join(dir, 'server.phones.key'), 0o400);
    expect(codeOf(() => openPhoneRegistry({ dbPath: join(dir, 'server.sqlite') }).close())).toBeUndefined();
  });

  it('a vault sealed under a passphrase, opened without one, is VAULT_LOCKED naming the fix, and no key file is invented for it', () => {
    const dir = tempDir();
    openPhoneRegistry({ dbPath: join(dir, 'server.sqlite'), passphrase: OLD_BUILT_IN_PASSPHRASE }).close();
    expect(existsSync(join(dir, 'server.phones.key'))).toBe(false);
    let error: unknown;
    try {
      openPhoneRegistry({ dbPath: join(dir, 'server.sqlite') });
    } catch (e) {
      error = e;
    }
    expect(isHarnessError(error, 'VAULT_LOCKED')).toBe(true);
    expect((error as Error).message).toContain('PASSKEY_HARNESS_VAULT_PASSPHRASE');
    expect((error as Error).message).toContain('pkh phone export');
    expect(existsSync(join(dir, 'server.phones.key'))).toBe(false);
    // With its passphrase it still opens.
    openPhoneRegistry({ dbPath: join(dir, 'server.sqlite'), passphrase: OLD_BUILT_IN_PASSPHRASE }).close();
  });

  it('a passphrase from the environment wins and no key file is made', () => {
    const dir = tempDir();
    const phones = openPhoneRegistry({ dbPath: join(dir, 'server.sqlite'), passphrase: 'from the environment' });
    expect(phones.vault).toEqual({ path: join(dir, 'server.phones.sqlite'), keySource: 'environment' });
    phones.close();
    expect(existsSync(join(dir, 'server.phones.key'))).toBe(false);
  });

  it('harness.info says where the vault and its key are (never the key)', async () => {
    const dir = tempDir();
    const harness = await createHarness({ dbPath: join(dir, 'server.sqlite') });
    cleanups.push(() => harness.close());
    const info = await harness['harness.info']({});
    expect(info.vault).toEqual({ path: join(dir, 'server.phones.sqlite'), keySource: 'key-file', keyFile: join(dir, 'server.phones.key'), keyFileCreated: true });
    expect(JSON.stringify(info)).not.toContain(readFileSync(join(dir, 'server.phones.key'), 'utf8').trim());
  });

  it('vaultKeyPath: phones.sqlite → phones.key; other names get .key appended', () => {
    expect(vaultKeyPath('/a/phones.sqlite')).toBe('/a/phones.key');
    expect(vaultKeyPath('/a/vault')).toBe('/a/vault.key');
  });
});
