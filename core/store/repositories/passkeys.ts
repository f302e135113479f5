import { HarnessError } from '../../errors.js';
import type { Row, SqliteDriver } from '../driver.js';
import type { PasskeyRow } from '../rows.js';
import { num, numOrNull, strOrNull, isUniqueViolation } from './columns.js';

/** Registered passkeys; credential_id is UNIQUE (the index the lookups by credential ID use). */
export function passkeysRepository(db: SqliteDriver) {
  const toPasskey = (r: Row): PasskeyRow => ({
    id: num(r.id),
    accountId: num(r.account_id),
    credentialId: String(r.credential_id),
    publicKey: r.public_key as Uint8Array,
    alg: num(r.alg),
    name: String(r.name),
    aaguid: String(r.aaguid),
    transports: JSON.parse(String(r.transports)) as string[],
    backupEligible: num(r.backup_eligible) === 1,
    backupState: num(r.backup_state) === 1,
    userVerified: num(r.user_verified) === 1,
    counter: num(r.counter),
    fmt: String(r.fmt),
    attestation: r.attestation === null || r.attestation === undefined ? null : (JSON.parse(String(r.attestation)) as unknown),
    createdAt: num(r.created_at),
    lastUsedAt: numOrNull(r.last_used_at),
    revokedAt: numOrNull(r.revoked_at),
    revokeReason: strOrNull(r.revoke_reason),
    revokeTicket: strOrNull(r.revoke_ticket),
  });
  return {
    /**
     * The UNIQUE constraint on credential_id is the arbiter: a duplicate throws CREDENTIAL_EXISTS.
     * Returns the row as stored (JSON columns read back from the text written), built here: a
     * RETURNING clause would cost SQLite an ephemeral table per insert.
     */
    insert(p: Omit<PasskeyRow, 'id' | 'lastUsedAt' | 'revokedAt' | 'revokeReason' | 'revokeTicket' | 'attestation'> & { attestation?: unknown }): PasskeyRow {
      const transports = JSON.stringify(p.transports);
      const attestation = p.attestation === null || p.attestation === undefined ? null : JSON.stringify(p.attestation);
      let id: number;
      try {
        id = num(
          db
            .prepare(
              `INSERT INTO passkeys (account_id, credential_id, public_key, alg, name, aaguid, transports, backup_eligible, backup_state,
                 user_verified, counter, fmt, attestation, created_at)
               VALUES (@accountId, @credentialId, @publicKey, @alg, @name, @aaguid, @transports, @backupEligible, @backupState,
                 @userVerified, @counter, @fmt, @attestation, @createdAt)`,
            )
            .run({ ...p, transports, attestation }).lastInsertRowid,
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new HarnessError('CREDENTIAL_EXISTS', 'this credential is already registered', { cause: error });
        throw error;
      }
      return {
        id,
        accountId: p.accountId,
        credentialId: p.credentialId,
        publicKey: p.publicKey.slice(),
        alg: p.alg,
        name: p.name,
        aaguid: p.aaguid,
        transports: JSON.parse(transports) as string[],
        backupEligible: p.backupEligible,
        backupState: p.backupState,
        userVerified: p.userVerified,
        counter: p.counter,
        fmt: p.fmt,
        attestation: attestation === null ? null : (JSON.parse(attestation) as unknown),
        createdAt: p.createdAt,
        lastUsedAt: null,
        revokedAt: null,
        revokeReason: null,
        revokeTicket: null,
      };
    },
    byId(id: number): PasskeyRow | undefined {
      const r = db.prepare('SELECT * FROM passkeys WHERE id = @id').get({ id });
      return r ? toPasskey(r) : undefined;
    },
    byCredentialId(credentialId: string): PasskeyRow | undefined {
      const r = db.prepare('SELECT * FROM passkeys WHERE credential_id = @credentialId').get({ credentialId });
      return r ? toPasskey(r) : undefined;
    },
    listForAccount(accountId: number, opts: { includeRevoked?: boolean } = {}): PasskeyRow[] {
      const sql = opts.includeRevoked
        ? 'SELECT * FROM passkeys WHERE account_id = @accountId ORDER BY id'
        : 'SELECT * FROM passkeys WHERE account_id = @accountId AND revoked_at IS NULL ORDER BY id';
      return db.prepare(sql).all({ accountId }).map(toPasskey);
    },
    /** The account's active credentials as options name them (exclude/allowCredentials): two columns, not whole rows. */
    descriptorsForAccount(accountId: number): Array<{ id: string; transports: string[] }> {
      return db
        .prepare('SELECT credential_id, transports FROM passkeys WHERE account_id = @accountId AND revoked_at IS NULL ORDER BY id')
        .all({ accountId })
        .map((r) => ({ id: String(r.credential_id), transports: JSON.parse(String(r.transports)) as string[] }));
    },
    /**
     * The population fake login options imitate (core/rp startLogin): how many of the first `limit`
     * accounts (by ID) have an active passkey, and the active passkeys of the `n`th of them.
     */
    accountsWithActive(limit: number): number {
      return num(db.prepare('SELECT COUNT(*) AS n FROM (SELECT account_id FROM passkeys WHERE revoked_at IS NULL GROUP BY account_id ORDER BY account_id LIMIT @limit)').get({ limit })?.n);
    },
    activeOfNthAccount(n: number): PasskeyRow[] {
      return db
        .prepare(
          `SELECT * FROM passkeys WHERE revoked_at IS NULL AND account_id =
             (SELECT account_id FROM passkeys WHERE revoked_at IS NULL GROUP BY account_id ORDER BY account_id LIMIT 1 OFFSET @n) ORDER BY id`,
        )
        .all({ n })
        .map(toPasskey);
    },
    /** Every passkey the account ever had, revoked ones included (a new passkey's default name counts them). */
    countAll(accountId: number): number {
      return num(db.prepare('SELECT COUNT(*) AS n FROM passkeys WHERE account_id = @accountId').get({ accountId })?.n);
    },
    countActive(accountId: number): number {
      return num(db.prepare('SELECT COUNT(*) AS n FROM passkeys WHERE account_id = @accountId AND revoked_at IS NULL').get({ accountId })?.n);
    },
    /** Compare-and-swap on the counter so two racing assertions cannot both advance from the same value. */
    updateCounter(id: number, expected: number, next: number, now: number, flags: { backupState: boolean }): boolean {
      return (
        db
          .prepare('UPDATE passkeys SET counter = @next, last_used_at = @now, backup_state = @backupState WHERE id = @id AND counter = @expected AND revoked_at IS NULL')
          .run({ id, expected, next, now, backupState: flags.backupState }).changes === 1
      );
    },
    revoke(id: number, r: { now: number; reason: string; ticket: string }): boolean {
      return (
        db
          .prepare('UPDATE passkeys SET revoked_at = @now, revoke_reason = @reason, revoke_ticket = @ticket WHERE id = @id AND revoked_at IS NULL')
          .run({ id, ...r }).changes === 1
      );
    },
    revokeAllForAccount(accountId: number, r: { now: number; reason: string; ticket: string }): number {
      return db
        .prepare('UPDATE passkeys SET revoked_at = @now, revoke_reason = @reason, revoke_ticket = @ticket WHERE account_id = @accountId AND revoked_at IS NULL')
        .run({ accountId, ...r }).changes;
    },
  };
}
