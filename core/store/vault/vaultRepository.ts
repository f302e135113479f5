import type { SqliteDriver } from '../driver.js';
import { migrateVault } from './schema.js';

export interface PhoneRow {
  id: number;
  name: string;
  /** JSON of the DeviceProfile. */
  profile: string;
  createdAt: number;
}

/** A credential row; the private key stays encrypted here (the vault module holds the key). */
export interface PhoneCredentialRow {
  phoneId: number;
  credentialId: Uint8Array;
  rpId: string;
  userHandle: Uint8Array | null;
  userName: string | null;
  userDisplayName: string | null;
  alg: number;
  privateKeyEnc: Uint8Array;
  publicKey: Uint8Array;
  signCount: number;
  acceptedSignCount: number | null;
  discoverable: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface VaultRepository {
  readonly db: SqliteDriver;
  getMeta(key: string): Uint8Array | undefined;
  setMeta(key: string, value: Uint8Array): void;
  insertPhone(phone: Omit<PhoneRow, 'id'>): PhoneRow;
  listPhones(): PhoneRow[];
  getPhone(name: string): PhoneRow | undefined;
  renamePhone(id: number, name: string): void;
  deletePhone(id: number): void;
  listCredentials(phoneId: number, rpId?: string): PhoneCredentialRow[];
  getCredential(phoneId: number, credentialId: Uint8Array): PhoneCredentialRow | undefined;
  upsertCredential(row: PhoneCredentialRow): void;
  deleteCredential(phoneId: number, credentialId: Uint8Array): void;
  updateUsage(phoneId: number, credentialId: Uint8Array, signCount: number, lastUsedAt: number): void;
  markAccepted(phoneId: number, credentialId: Uint8Array, signCount: number): void;
  transaction<T>(fn: () => T): T;
  close(): void;
}

const CREDENTIAL_COLUMNS = `phone_id AS phoneId, credential_id AS credentialId, rp_id AS rpId, user_handle AS userHandle,
  user_name AS userName, user_display_name AS userDisplayName, alg, private_key_enc AS privateKeyEnc,
  public_key AS publicKey, sign_count AS signCount, accepted_sign_count AS acceptedSignCount, discoverable, created_at AS createdAt, last_used_at AS lastUsedAt`;

function credentialFromRow(row: Record<string, unknown>): PhoneCredentialRow {
  return { ...(row as unknown as PhoneCredentialRow), discoverable: row.discoverable === 1 };
}

export function createVaultRepository(db: SqliteDriver, path?: string): VaultRepository {
  migrateVault(db, path);
  return {
    db,
    getMeta: (key) => db.prepare('SELECT value FROM vault_meta WHERE key = @key').get<{ value: Uint8Array }>({ key })?.value,
    setMeta: (key, value) => void db.prepare('INSERT INTO vault_meta (key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run({ key, value }),
    insertPhone(phone) {
      const info = db.prepare('INSERT INTO phones (name, profile, created_at) VALUES (@name, @profile, @createdAt)').run(phone);
      return { id: Number(info.lastInsertRowid), ...phone };
    },
    listPhones: () => db.prepare('SELECT id, name, profile, created_at AS createdAt FROM phones ORDER BY name').all<PhoneRow>(),
    getPhone: (name) => db.prepare('SELECT id, name, profile, created_at AS createdAt FROM phones WHERE name = @name').get<PhoneRow>({ name }),
    renamePhone: (id, name) => void db.prepare('UPDATE phones SET name = @name WHERE id = @id').run({ id, name }),
    deletePhone: (id) => void db.prepare('DELETE FROM phones WHERE id = @id').run({ id }),
    listCredentials(phoneId, rpId) {
      const rows =
        rpId === undefined
          ? db.prepare(`SELECT ${CREDENTIAL_COLUMNS} FROM phone_credentials WHERE phone_id = @phoneId ORDER BY created_at`).all({ phoneId })
          : db.prepare(`SELECT ${CREDENTIAL_COLUMNS} FROM phone_credentials WHERE phone_id = @phoneId AND rp_id = @rpId ORDER BY created_at`).all({ phoneId, rpId });
      return rows.map(credentialFromRow);
    },
    getCredential(phoneId, credentialId) {
      const row = db.prepare(`SELECT ${CREDENTIAL_COLUMNS} FROM phone_credentials WHERE phone_id = @phoneId AND credential_id = @credentialId`).get({ phoneId, credentialId });
      return row ? credentialFromRow(row) : undefined;
    },
    upsertCredential(row) {
      db.prepare(
        `INSERT INTO phone_credentials (phone_id, credential_id, rp_id, user_handle, user_name, user_display_name, alg,
           private_key_enc, public_key, sign_count, accepted_sign_count, discoverable, created_at, last_used_at)
         VALUES (@phoneId, @credentialId, @rpId, @userHandle, @userName, @userDisplayName, @alg,
           @privateKeyEnc, @publicKey, @signCount, @acceptedSignCount, @discoverable, @createdAt, @lastUsedAt)
         ON CONFLICT(phone_id, credential_id) DO UPDATE SET rp_id = excluded.rp_id, user_handle = excluded.user_handle,
           user_name = excluded.user_name, user_display_name = excluded.user_display_name, alg = excluded.alg,
           private_key_enc = excluded.private_key_enc, public_key = excluded.public_key, sign_count = excluded.sign_count,
           accepted_sign_count = excluded.accepted_sign_count,
           discoverable = excluded.discoverable, created_at = excluded.created_at, last_used_at = excluded.last_used_at`,
      ).run({ ...row });
    },
    deleteCredential: (phoneId, credentialId) => void db.prepare('DELETE FROM phone_credentials WHERE phone_id = @phoneId AND credential_id = @credentialId').run({ phoneId, credentialId }),
    updateUsage: (phoneId, credentialId, signCount, lastUsedAt) =>
      void db.prepare('UPDATE phone_credentials SET sign_count = @signCount, last_used_at = @lastUsedAt WHERE phone_id = @phoneId AND credential_id = @credentialId').run({
        phoneId,
        credentialId,
        signCount,
        lastUsedAt,
      }),
    markAccepted: (phoneId, credentialId, signCount) =>
      void db.prepare('UPDATE phone_credentials SET accepted_sign_count = @signCount WHERE phone_id = @phoneId AND credential_id = @credentialId').run({ phoneId, credentialId, signCount }),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  };
}
