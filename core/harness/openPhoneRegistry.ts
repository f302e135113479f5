import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { openVault } from '../authenticator/index.js';
import { systemClock, type Clock } from '../clock.js';
import { memoryPhoneRegistry, type PhoneRegistry } from './phoneRegistry.js';
import { resolveVaultSecret } from './resolveVaultSecret.js';
import { vaultPhoneRegistry } from './vaultPhoneRegistry.js';

/** Before issue 12 every database in a folder shared this vault. */
export const SHARED_VAULT_NAME = 'phones.sqlite';

/**
 * The phones' vault of a database: `vaultPath` when given; memory for a memory database; else the
 * database's own `<name>.phones.sqlite` beside it (`server.sqlite` → `server.phones.sqlite`), so a
 * brand-new `--db` starts with no phones. An existing database whose folder holds the shared
 * `phones.sqlite` of earlier versions (and no vault of its own yet) keeps that one: its passkeys'
 * private keys are there.
 */
export function phoneVaultPath({ dbPath, vaultPath }: { dbPath: string; vaultPath?: string }): string {
  if (vaultPath !== undefined) return vaultPath;
  if (dbPath === ':memory:') return ':memory:';
  const ext = extname(dbPath);
  const own = join(dirname(dbPath), `${basename(dbPath, ext === '.sqlite' || ext === '.db' ? ext : '')}.phones.sqlite`);
  const shared = join(dirname(dbPath), SHARED_VAULT_NAME);
  return !existsSync(own) && existsSync(dbPath) && existsSync(shared) ? shared : own;
}

/**
 * Opens the phones a server (or `pkh browse`) works with: the persistent vault, private keys
 * decrypted under `passphrase`, or (unset) under the random key file beside the vault
 * (`resolveVaultSecret`: created owner-only on first use), or memory phones.
 * A wrong passphrase or key fails here, before any database is touched.
 */
export function openPhoneRegistry({
  dbPath,
  vaultPath,
  passphrase,
  clock = systemClock,
}: {
  /** The RP's SQLite file (`':memory:'` for a throwaway server). */
  dbPath: string;
  /** Default: `phoneVaultPath({ dbPath })`. */
  vaultPath?: string;
  /** PASSKEY_HARNESS_VAULT_PASSPHRASE as the adapter read it (never a flag). */
  passphrase?: string;
  clock?: Clock;
}): PhoneRegistry {
  const path = phoneVaultPath({ dbPath, vaultPath });
  if (path === ':memory:') return memoryPhoneRegistry(clock);
  const { passphrase: secret, ...where } = resolveVaultSecret({ vaultPath: path, passphrase });
  return vaultPhoneRegistry(openVault({ path, passphrase: secret, clock }), where);
}
