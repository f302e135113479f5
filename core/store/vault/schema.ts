import { HarnessError } from '../../errors.js';
import type { SqliteDriver } from '../driver.js';
import { refuseForeignDatabase } from '../foreignDatabase.js';

/**
 * The phone vault's own database (e.g. phones.sqlite), separate from the RP's: the server and
 * the authenticator never share private state. Migrations are ordered; PRAGMA user_version
 * records how many have run.
 */
export const VAULT_MIGRATIONS: readonly string[] = [
  `CREATE TABLE vault_meta (
     key TEXT PRIMARY KEY,
     value BLOB NOT NULL
   );
   CREATE TABLE phones (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     profile TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE phone_credentials (
     phone_id INTEGER NOT NULL REFERENCES phones(id) ON DELETE CASCADE,
     credential_id BLOB NOT NULL,
     rp_id TEXT NOT NULL,
     user_handle BLOB,
     user_name TEXT,
     user_display_name TEXT,
     alg INTEGER NOT NULL,
     private_key_enc BLOB NOT NULL,
     public_key BLOB NOT NULL,
     sign_count INTEGER NOT NULL,
     discoverable INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER,
     PRIMARY KEY (phone_id, credential_id)
   );
   CREATE INDEX phone_credentials_rp ON phone_credentials (phone_id, rp_id);`,
  // The count the RP last accepted, so counterRegression can go below it (NULL: never known).
  `ALTER TABLE phone_credentials ADD COLUMN accepted_sign_count INTEGER;`,
];

export function migrateVault(db: SqliteDriver, path = 'the vault'): void {
  refuseForeignDatabase(db, { path, kind: 'phone vault', code: 'VAULT_LOCKED' });
  const version = Number(db.pragma('user_version') ?? 0);
  if (version > VAULT_MIGRATIONS.length) throw new HarnessError('VAULT_LOCKED', `${path} was made by a newer passkey-harness (vault schema ${version}, this one knows ${VAULT_MIGRATIONS.length})`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const current = Number(db.pragma('user_version') ?? 0);
  for (let version = current; version < VAULT_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(VAULT_MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    });
  }
}
