/**
 * Ordered, append-only schema migrations; `PRAGMA user_version` records how many ran.
 * Never edit an entry that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  login_id TEXT NOT NULL UNIQUE,
  user_handle BLOB NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  trading_password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL,
  locked INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  failed_step_ups INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE emails (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  UNIQUE (account_id, address)
);
CREATE TABLE otp_enrolments (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'active')),
  last_used_step INTEGER NOT NULL DEFAULT -1,
  created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  step_up_at INTEGER,
  step_up_method TEXT,
  step_up_purpose TEXT
);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE TABLE step_up_codes (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  email_id INTEGER NOT NULL REFERENCES emails(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,
  salt BLOB NOT NULL,
  code_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  used_at INTEGER,
  voided_at INTEGER
);
CREATE INDEX step_up_codes_session ON step_up_codes(session_id, purpose);
CREATE INDEX step_up_codes_account ON step_up_codes(account_id, created_at);
CREATE TABLE challenges (
  id INTEGER PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  challenge TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('registration', 'authentication')),
  session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
  login_id TEXT,
  user_verification TEXT NOT NULL,
  algorithms TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
);
CREATE INDEX challenges_session ON challenges(session_id);
CREATE INDEX challenges_account ON challenges(account_id);
CREATE TABLE passkeys (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  credential_id TEXT NOT NULL UNIQUE,
  public_key BLOB NOT NULL,
  alg INTEGER NOT NULL,
  name TEXT NOT NULL,
  aaguid TEXT NOT NULL,
  transports TEXT NOT NULL,
  backup_eligible INTEGER NOT NULL,
  backup_state INTEGER NOT NULL,
  user_verified INTEGER NOT NULL,
  counter INTEGER NOT NULL,
  fmt TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER,
  revoke_reason TEXT,
  revoke_ticket TEXT
);
CREATE INDEX passkeys_account ON passkeys(account_id);
CREATE TABLE admin_users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator')),
  created_at INTEGER NOT NULL
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  code TEXT,
  account_id INTEGER,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_account ON audit_log(account_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  transport TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  },
  {
    // Issue 13: the RP's attestation decision per passkey (format, trust path, metadata at registration).
    version: 2,
    sql: `ALTER TABLE passkeys ADD COLUMN attestation TEXT;`,
  },
  {
    // Issue 11: failed logins throttle and lock for a time (NIST SP 800-63B §5.2.2), never for good.
    version: 3,
    sql: `ALTER TABLE accounts ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // Issue 15: a started ceremony is sealed into its handle, not stored; `used_ceremonies` records finished
    // ones (single use; ceremonies open during the upgrade must start again), and an operator ends an account's open ceremonies by moving its epoch.
    version: 4,
    sql: `ALTER TABLE accounts ADD COLUMN ceremony_epoch INTEGER NOT NULL DEFAULT 0;
DROP TABLE challenges;
CREATE TABLE used_ceremonies (
  label TEXT PRIMARY KEY,
  used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;`,
  },
  {
    // A registration ceremony is bound to its session by this value, not by the row ID alone: SQLite
    // reuses the highest rowid after a logout, and a new session can get it within the same millisecond.
    // New rows get a value derived from their first token (repositories/sessions.ts); rows already here
    // get random bytes (their first token is gone), so no two sessions share one.
    version: 5,
    sql: `ALTER TABLE sessions ADD COLUMN binding BLOB NOT NULL DEFAULT x'';
UPDATE sessions SET binding = randomblob(16);`,
  },
];
