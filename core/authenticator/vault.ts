import { z } from 'zod';
import { HarnessError } from '../errors.js';
import { systemClock, type Clock } from '../clock.js';
import { seededRandom, systemRandom, type Random } from '../random.js';
import { createVaultRepository, openDefaultDriver, type PhoneCredentialRow, type PhoneRow, type SqliteDriver, type VaultRepository } from '../store/index.js';
import { concatBytes, decodeCoseKey, equalBytes, fromBase64url, isCoseAlg, toBase64url } from '../webauthn/index.js';
import { createAuthenticator, type Authenticator, type CreateAuthenticatorOptions } from './createAuthenticator.js';
import { nodeBackend, nodeCrypto } from './crypto/node.js';
import type { CredentialStore, StoredCredential } from './credentials.js';
import { resolveProfile, validateProfile, type DeviceProfile } from './profiles.js';

export interface Phone {
  name: string;
  profile: DeviceProfile;
  createdAt: number;
  credentialCount: number;
}

/** Export format: private keys as PKCS#8 (base64url), loadable into Chromium's CDP virtual authenticator. */
export interface PhoneExport {
  format: 'passkey-harness/phone@1';
  name: string;
  profile: DeviceProfile;
  createdAt: number;
  credentials: {
    credentialId: string;
    rpId: string;
    userHandle: string | null;
    userName: string | null;
    userDisplayName: string | null;
    alg: number;
    privateKey: string;
    publicKey: string;
    signCount: number;
    discoverable: boolean;
    createdAt: number;
    lastUsedAt: number | null;
  }[];
}

/** One credential as it appears in a phone export (private key as PKCS#8 base64url, loadable into CDP). */
export function exportCredential(c: StoredCredential): PhoneExport['credentials'][number] {
  return {
    credentialId: toBase64url(c.id),
    rpId: c.rpId,
    userHandle: c.userHandle ? toBase64url(c.userHandle) : null,
    userName: c.userName,
    userDisplayName: c.userDisplayName,
    alg: c.alg,
    privateKey: toBase64url(c.privateKey),
    publicKey: toBase64url(c.publicKey),
    signCount: c.signCount,
    discoverable: c.discoverable,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
  };
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

const KEY_CHECK = new TextEncoder().encode('passkey-harness vault key check');

/**
 * Opens (creating if needed) the phone vault. Private keys are AES-256-GCM encrypted under a
 * scrypt-derived key; the credential id is bound in as associated data so ciphertexts cannot be
 * swapped between rows. A wrong passphrase fails with VAULT_LOCKED before anything is read.
 */
export function openVault(options: OpenVaultOptions): Vault {
  const { path, passphrase, clock = systemClock, random = systemRandom, scryptCost } = options;
  if (!passphrase) throw new HarnessError('VAULT_LOCKED', 'a vault passphrase is required (PASSKEY_HARNESS_VAULT_PASSPHRASE)');
  const crypto = nodeCrypto();
  const repo: VaultRepository = createVaultRepository(options.driver ?? openDefaultDriver(path));

  let salt = repo.getMeta('kdf_salt');
  let costBytes = repo.getMeta('kdf_cost');
  if (!salt || !costBytes) {
    salt = random.bytes(16);
    costBytes = new TextEncoder().encode(String(scryptCost ?? 2 ** 15));
    repo.setMeta('kdf_salt', salt);
    repo.setMeta('kdf_cost', costBytes);
  }
  const N = Number(new TextDecoder().decode(costBytes));
  const key = new Uint8Array(crypto.scryptSync(passphrase, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 }));

  function encrypt(plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    const iv = random.bytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad);
    const body = concatBytes(cipher.update(plaintext), cipher.final());
    return concatBytes(iv, body, cipher.getAuthTag());
  }
  function decrypt(blob: Uint8Array, aad: Uint8Array): Uint8Array {
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      decipher.setAAD(aad);
      decipher.setAuthTag(blob.subarray(blob.length - 16));
      return concatBytes(decipher.update(blob.subarray(12, blob.length - 16)), decipher.final());
    } catch (cause) {
      throw new HarnessError('VAULT_LOCKED', 'cannot decrypt the vault: wrong passphrase or tampered data', { cause });
    }
  }

  const check = repo.getMeta('key_check');
  if (check) {
    try {
      if (!equalBytes(decrypt(check, KEY_CHECK), KEY_CHECK)) throw new Error('mismatch');
    } catch (cause) {
      repo.close();
      throw new HarnessError('VAULT_LOCKED', 'wrong vault passphrase', { cause });
    }
  } else {
    repo.setMeta('key_check', encrypt(KEY_CHECK, KEY_CHECK));
  }

  function phoneRow(name: string): PhoneRow {
    const row = repo.getPhone(name);
    if (!row) throw new HarnessError('PHONE_NOT_FOUND', `no phone named "${name}"`);
    return row;
  }
  function toPhone(row: PhoneRow): Phone {
    return { name: row.name, profile: JSON.parse(row.profile) as DeviceProfile, createdAt: row.createdAt, credentialCount: repo.listCredentials(row.id).length };
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
    };
  }
  function insertPhone(name: string, profile: DeviceProfile, createdAt: number): PhoneRow {
    if (!name.trim()) throw new HarnessError('INVALID_INPUT', 'a phone needs a name');
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
        profile: JSON.parse(row.profile) as DeviceProfile,
        createdAt: row.createdAt,
        credentials: repo.listCredentials(row.id).map((r) => exportCredential(toStored(r))),
      };
    },
    importPhone(data, importOptions) {
      const parsed = phoneExportSchema.safeParse(data);
      if (!parsed.success) throw new HarnessError('VAULT_IMPORT_INVALID', `not a phone export: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const input = parsed.data;
      let profile: DeviceProfile;
      try {
        profile = validateProfile(input.profile as unknown as DeviceProfile);
      } catch (cause) {
        throw new HarnessError('VAULT_IMPORT_INVALID', 'the export carries an invalid profile', { cause });
      }
      const credentials = input.credentials.map((c) => importedCredential(c));
      return repo.transaction(() => {
        const row = insertPhone(importOptions?.name ?? input.name, profile, input.createdAt);
        for (const credential of credentials) repo.upsertCredential(toRow(row.id, credential));
        return toPhone(row);
      });
    },
    authenticatorFor(name, authOptions = {}) {
      const row = phoneRow(name);
      return createAuthenticator({ ...authOptions, profile: JSON.parse(row.profile) as DeviceProfile, credentials: storeFor(row.id) });
    },
    credentials: (name) => storeFor(phoneRow(name).id),
    close: () => repo.close(),
  };
}

const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/);
const phoneExportSchema = z.object({
  format: z.literal('passkey-harness/phone@1'),
  name: z.string().min(1).max(200),
  profile: z.object({ id: z.string(), aaguid: z.string() }).passthrough(),
  createdAt: z.number().int().nonnegative(),
  credentials: z.array(
    z.object({
      credentialId: b64.min(1),
      rpId: z.string().min(1),
      userHandle: b64.nullable(),
      userName: z.string().nullable(),
      userDisplayName: z.string().nullable(),
      alg: z.number().int(),
      privateKey: b64.min(1),
      publicKey: b64.min(1),
      signCount: z.number().int().nonnegative().max(0xffffffff),
      discoverable: z.boolean(),
      createdAt: z.number().int().nonnegative(),
      lastUsedAt: z.number().int().nonnegative().nullable(),
    }),
  ),
});

/** Checks that each imported private key really belongs to its public key (sign, then verify). */
function importedCredential(c: z.infer<typeof phoneExportSchema>['credentials'][number]): StoredCredential {
  if (!isCoseAlg(c.alg)) throw new HarnessError('VAULT_IMPORT_INVALID', `unsupported algorithm ${c.alg}`);
  const publicKey = fromBase64url(c.publicKey, 'publicKey');
  const privateKey = fromBase64url(c.privateKey, 'privateKey');
  const cose = decodeCoseKey(publicKey);
  const probe = seededRandom('vault-import-probe').bytes(32);
  if (cose.alg !== c.alg || !nodeBackend.verify(cose, probe, nodeBackend.sign(nodeBackend.importPrivateKey(c.alg, privateKey), probe))) {
    throw new HarnessError('VAULT_IMPORT_INVALID', `credential ${c.credentialId}: private key does not match its public key`);
  }
  return {
    id: fromBase64url(c.credentialId, 'credentialId'),
    rpId: c.rpId,
    userHandle: c.userHandle === null ? null : fromBase64url(c.userHandle, 'userHandle'),
    userName: c.userName,
    userDisplayName: c.userDisplayName,
    alg: c.alg,
    privateKey,
    publicKey,
    signCount: c.signCount,
    discoverable: c.discoverable,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
  };
}
