import { dirname, join } from 'node:path';
import { openVault } from '../authenticator/index.js';
import { systemClock, type Clock } from '../clock.js';
import { memoryPhoneRegistry, type PhoneRegistry } from './phoneRegistry.js';
import { resolveVaultSecret } from './resolveVaultSecret.js';
import { vaultPhoneRegistry } from './vaultPhoneRegistry.js';

/** The phones' vault of a database: `vaultPath` when given, else `phones.sqlite` beside `dbPath`, memory for a memory database. */
export function phoneVaultPath({ dbPath, vaultPath }: { dbPath: string; vaultPath?: string }): string {
  return vaultPath ?? (dbPath === ':memory:' ? ':memory:' : join(dirname(dbPath), 'phones.sqlite'));
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
