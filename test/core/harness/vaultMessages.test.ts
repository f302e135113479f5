// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isHarnessError } from '../../../core/errors.js';
import { createHarness } from '../../../core/harness/createHarness.js';
import { openPhoneRegistry } from '../../../core/harness/openPhoneRegistry.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-vault-messages-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe('PASSKEY_HARNESS_VAULT_PASSPHRASE set for a vault sealed with its key file (what `npm start` makes)', () => {
  it('is VAULT_LOCKED naming the vault, its key file and the two ways out, not just "wrong vault passphrase"', () => {
    const dir = tempDir();
    const dbPath = join(dir, 'server.sqlite');
    openPhoneRegistry({ dbPath }).close();
    const error = errorOf(() => openPhoneRegistry({ dbPath, passphrase: 'x' }).close());
    expect(isHarnessError(error, 'VAULT_LOCKED')).toBe(true);
    expect(error.message).toBe(
      `${join(dir, 'server.phones.sqlite')} is sealed with its key file ${join(dir, 'server.phones.key')}, not with PASSKEY_HARNESS_VAULT_PASSPHRASE: ` +
        'unset PASSKEY_HARNESS_VAULT_PASSPHRASE to open it with its key file, or use another --db (a new database gets a vault sealed with the passphrase)',
    );
  });

  it('says the same when the harness starts (the CLI and `npm start` open it this way), and the key file still opens the vault', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'server.sqlite');
    await (await createHarness({ dbPath })).close();
    await expect(createHarness({ dbPath, passphrase: 'x' })).rejects.toMatchObject({ code: 'VAULT_LOCKED', message: expect.stringContaining(`is sealed with its key file ${join(dir, 'server.phones.key')}`) });
    const reopened = await createHarness({ dbPath });
    await reopened.close();
  });

  it('opens the vault when the variable holds the key file’s own key (as CI may copy it)', () => {
    const dir = tempDir();
    const dbPath = join(dir, 'server.sqlite');
    openPhoneRegistry({ dbPath }).close();
    const key = readFileSync(join(dir, 'server.phones.key'), 'utf8').trim();
    const phones = openPhoneRegistry({ dbPath, passphrase: key });
    expect(phones.vault?.keySource).toBe('environment');
    phones.close();
  });
});
