import { HarnessError } from '../errors.js';
import { systemClock, type Clock } from '../clock.js';
import { systemRandom, type Random } from '../random.js';
import { createVaultRepository, openDefaultDriver, type PhoneCredentialRow, type PhoneRow, type SqliteDriver, type VaultRepository } from '../store/index.js';
import { isCoseAlg } from '../webauthn/index.js';
import { checkPhoneName } from './checkPhoneName.js';
import { createAuthenticator, type Authenticator, type CreateAuthenticatorOptions } from './createAuthenticator.js';
import type { CredentialStore, StoredCredential } from './credentials.js';
import { exportCredential, parsePhoneExport, type PhoneExport } from './phoneExport.js';
import { resolveProfile, type DeviceProfile } from './profiles.js';
import { openVaultCipher, type VaultCipher } from './vaultCipher.js';

export interface Phone {
  name: string;
  profile: DeviceProfile;
  createdAt: number;
  credentialCount: number;
}

export interface Vault {
  createPhone(options: { name: string; profile?: string | DeviceProfile }): Phone;
  listPhones(): Phone[];
  getPhone(name: string): Phone;
  renamePhone(options: { from: string; to: string }): Phone;
  deletePhone(name: string): void;
  exportPhone(name: string): PhoneExport;
  /** `name` overrides the one in the export (e.g. to import a copy beside the original). */
  importPhone(data: unknown, options?: { name?: string }): Phone;
  /** An authenticator whose new credentials and counters persist in this vault. */
  authenticatorFor(name: string, options?: Omit<CreateAuthenticatorOptions, 'profile' | 'credentials'>): Authenticator;
  /** The phone's credentials, private keys decrypted. */
  credentials(name: string): CredentialStore;
  close(): void;
}

export interface OpenVaultOptions {
  /** SQLite file, e.g. phones.sqlite (never the RP's database). ':memory:' works for tests. */
  path: string;
  passphrase: string;
  driver?: SqliteDriver;
  clock?: Clock;
  random?: Random;
  /** scrypt cost N (default 2^15). Tests may lower it. */
  scryptCost?: number;
}

/**
 * Opens (creating if needed) the phone vault. Private keys are AES-256-GCM encrypted under a
 * scrypt-derived key; the credential id is bound in as associated data so ciphertexts cannot be
 * swapped between rows. A wrong passphrase fails with VAULT_LOCKED before anything is read.
 */
export function openVault(options: OpenVaultOptions): Vault {
  const { path, passphrase, clock = systemClock, random = systemRandom, scryptCost } = options;
  if (!passphrase) throw new HarnessError('VAULT_LOCKED', 'a vault passphrase is required (PASSKEY_HARNESS_VAULT_PASSPHRASE)');
  const driver = options.driver ?? openDefaultDriver(path);
  let repo: VaultRepository;
  try {
    repo = createVaultRepository(driver, path);
  } catch (error) {
    // Not ours (another program's database, a newer vault): closed untouched.
    if (!options.driver) driver.close();
    throw error;
  }

  let cipher: VaultCipher;
  try {
    cipher = openVaultCipher(repo, { passphrase, random, ...(scryptCost === undefined ? {} : { scryptCost }) });
  } catch (error) {
    repo.close();
    throw error;
  }
  const { encrypt, decrypt } = cipher;

  function phoneRow(name: string): PhoneRow {
    const row = repo.getPhone(name);
    if (!row) throw new HarnessError('PHONE_NOT_FOUND', `no phone named "${name}"`);
    return row;
  }
  /** The row's profile as stored; text that is not a JSON object means the vault file was edited or damaged. */
  function profileOf(row: PhoneRow): DeviceProfile {
    try {
      const profile: unknown = JSON.parse(row.profile);
      if (profile && typeof profile === 'object' && !Array.isArray(profile)) return profile as DeviceProfile;
    } catch {
      // Reported below.
    }
    throw new HarnessError('VAULT_LOCKED', `the stored profile of phone "${row.name}" is damaged: restore the vault file from a backup`);
  }
  function toPhone(row: PhoneRow): Phone {
    return { name: row.name, profile: profileOf(row), createdAt: row.createdAt, credentialCount: repo.listCredentials(row.id).length };
  }
  function toStored(row: PhoneCredentialRow): StoredCredential {
    if (!isCoseAlg(row.alg)) throw new HarnessError('VAULT_IMPORT_INVALID', `stored credential has unsupported alg ${row.alg}`);
    return {
      id: row.credentialId,
      rpId: row.rpId,
      userHandle: row.userHandle,
      userName: row.userName,
      userDisplayName: row.userDisplayName,
      alg: row.alg,
      privateKey: decrypt(row.privateKeyEnc, row.credentialId),
      publicKey: row.publicKey,
      signCount: row.signCount,
      acceptedSignCount: row.acceptedSignCount,
      discoverable: row.discoverable,
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt,
    };
  }
  function toRow(phoneId: number, c: StoredCredential): PhoneCredentialRow {
    return {
      phoneId,
      credentialId: c.id,
      rpId: c.rpId,
      userHandle: c.userHandle,
      userName: c.userName,
      userDisplayName: c.userDisplayName,
      alg: c.alg,
      privateKeyEnc: encrypt(c.privateKey, c.id),
      publicKey: c.publicKey,
      signCount: c.signCount,
      acceptedSignCount: c.acceptedSignCount ?? null,
      discoverable: c.discoverable,
      createdAt: c.createdAt,
      lastUsedAt: c.lastUsedAt,
    };
  }
  function storeFor(phoneId: number): CredentialStore {
    return {
      list: (filter) => repo.listCredentials(phoneId, filter?.rpId).map(toStored),
      get(id) {
        const row = repo.getCredential(phoneId, id);
        return row ? toStored(row) : undefined;
      },
      put: (credential) => repo.upsertCredential(toRow(phoneId, credential)),
      delete: (id) => repo.deleteCredential(phoneId, id),
      updateUsage: (id, usage) => repo.updateUsage(phoneId, id, usage.signCount, usage.lastUsedAt),
      markAccepted: (id, signCount) => repo.markAccepted(phoneId, id, signCount),
    };
  }
  function insertPhone(name: string, profile: DeviceProfile, createdAt: number): PhoneRow {
    checkPhoneName(name);
    if (repo.getPhone(name)) throw new HarnessError('PHONE_EXISTS', `a phone named "${name}" already exists`);
    return repo.insertPhone({ name, profile: JSON.stringify(profile), createdAt });
  }

  return {
    createPhone({ name, profile = 'iphone-icloud' }) {
      return toPhone(insertPhone(name, resolveProfile(profile), clock.now()));
    },
    listPhones: () => repo.listPhones().map(toPhone),
    getPhone: (name) => toPhone(phoneRow(name)),
    renamePhone({ from, to }) {
      const row = phoneRow(from);
      checkPhoneName(to);
      if (from !== to && repo.getPhone(to)) throw new HarnessError('PHONE_EXISTS', `a phone named "${to}" already exists`);
      repo.renamePhone(row.id, to);
      return toPhone(phoneRow(to));
    },
    deletePhone(name) {
      repo.deletePhone(phoneRow(name).id);
    },
    exportPhone(name) {
      const row = phoneRow(name);
      return {
        format: 'passkey-harness/phone@1',
        name: row.name,
        profile: profileOf(row),
        createdAt: row.createdAt,
        credentials: repo.listCredentials(row.id).map((r) => exportCredential(toStored(r))),
      };
    },
    importPhone(data, importOptions) {
      const input = parsePhoneExport(data);
      return repo.transaction(() => {
        const row = insertPhone(importOptions?.name ?? input.name, input.profile, input.createdAt);
        for (const credential of input.credentials) repo.upsertCredential(toRow(row.id, credential));
        return toPhone(row);
      });
    },
    authenticatorFor(name, authOptions = {}) {
      const row = phoneRow(name);
      return createAuthenticator({ ...authOptions, profile: profileOf(row), credentials: storeFor(row.id) });
    },
    credentials: (name) => storeFor(phoneRow(name).id),
    close: () => repo.close(),
  };
}
