import { HarnessError } from '../../errors.js';
import type { Row, SqliteDriver } from '../driver.js';
import type { AccountRow } from '../rows.js';
import { num, isUniqueViolation } from './columns.js';

export function toAccount(r: Row): AccountRow {
  return {
    id: num(r.id),
    loginId: String(r.login_id),
    userHandle: r.user_handle as Uint8Array,
    passwordHash: String(r.password_hash),
    tradingPasswordHash: String(r.trading_password_hash),
    displayName: String(r.display_name),
    locked: num(r.locked) === 1,
    failedLogins: num(r.failed_logins),
    failedStepUps: num(r.failed_step_ups),
    lockedUntil: num(r.locked_until),
    ceremonyEpoch: num(r.ceremony_epoch),
    createdAt: num(r.created_at),
  };
}

/** Customer accounts: login ID, user handle, password hashes, lockout counters. */
export function accountsRepository(db: SqliteDriver) {
  return {
    /** Throws ACCOUNT_EXISTS when the login ID is taken. */
    insert(a: { loginId: string; userHandle: Uint8Array; passwordHash: string; tradingPasswordHash: string; displayName: string; createdAt: number }): number {
      try {
        const info = db
          .prepare(
            `INSERT INTO accounts (login_id, user_handle, password_hash, trading_password_hash, display_name, created_at)
             VALUES (@loginId, @userHandle, @passwordHash, @tradingPasswordHash, @displayName, @createdAt)`,
          )
          .run(a);
        return num(info.lastInsertRowid);
      } catch (error) {
        if (isUniqueViolation(error)) throw new HarnessError('ACCOUNT_EXISTS', 'an account with this login ID or user handle exists', { cause: error });
        throw error;
      }
    },
    byId(id: number): AccountRow | undefined {
      const r = db.prepare('SELECT * FROM accounts WHERE id = @id').get({ id });
      return r ? toAccount(r) : undefined;
    },
    /** What decides whether a ceremony may still finish (core/rp checkStillOpen): two columns, not the row. */
    ceremonyState(id: number): Pick<AccountRow, 'ceremonyEpoch' | 'locked'> | undefined {
      const r = db.prepare('SELECT ceremony_epoch, locked FROM accounts WHERE id = @id').get({ id });
      return r ? { ceremonyEpoch: num(r.ceremony_epoch), locked: num(r.locked) === 1 } : undefined;
    },
    byLoginId(loginId: string): AccountRow | undefined {
      const r = db.prepare('SELECT * FROM accounts WHERE login_id = @loginId').get({ loginId });
      return r ? toAccount(r) : undefined;
    },
    byUserHandle(userHandle: Uint8Array): AccountRow | undefined {
      const r = db.prepare('SELECT * FROM accounts WHERE user_handle = @userHandle').get({ userHandle });
      return r ? toAccount(r) : undefined;
    },
    /**
     * Counts a wrong password and refuses logins until `lockedUntil(count)` (0: not throttled); the
     * caller's policy decides the delay. Returns the new count and time. Run it inside the caller's
     * transaction so two processes never lose a count.
     */
    recordLoginFailure(id: number, lockedUntil: (failedLogins: number) => number): { failedLogins: number; lockedUntil: number } {
      return db.transaction(() => {
        db.prepare('UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = @id').run({ id });
        const failedLogins = num(db.prepare('SELECT failed_logins FROM accounts WHERE id = @id').get({ id })?.failed_logins);
        const until = lockedUntil(failedLogins);
        db.prepare('UPDATE accounts SET locked_until = MAX(locked_until, @until) WHERE id = @id').run({ id, until });
        return { failedLogins, lockedUntil: num(db.prepare('SELECT locked_until FROM accounts WHERE id = @id').get({ id })?.locked_until) };
      });
    },
    resetLoginFailures(id: number): void {
      db.prepare('UPDATE accounts SET failed_logins = 0, locked_until = 0 WHERE id = @id').run({ id });
    },
    /** Counts a wrong step-up code; at `max` the count restarts and logins are refused until `lockUntil`. */
    recordStepUpFailure(id: number, max: number, lockUntil: number): { failedStepUps: number; locked: boolean } {
      return db.transaction(() => {
        db.prepare('UPDATE accounts SET failed_step_ups = failed_step_ups + 1 WHERE id = @id').run({ id });
        const failedStepUps = num(db.prepare('SELECT failed_step_ups FROM accounts WHERE id = @id').get({ id })?.failed_step_ups);
        if (failedStepUps < max) return { failedStepUps, locked: false };
        db.prepare('UPDATE accounts SET failed_step_ups = 0, locked_until = MAX(locked_until, @lockUntil) WHERE id = @id').run({ id, lockUntil });
        return { failedStepUps, locked: true };
      });
    },
    resetStepUpFailures(id: number): void {
      db.prepare('UPDATE accounts SET failed_step_ups = 0 WHERE id = @id').run({ id });
    },
    /** The operator's lock (or unlock); either way the counters and any timed lock start over. */
    setLocked(id: number, locked: boolean): void {
      db.prepare('UPDATE accounts SET locked = @locked, failed_logins = 0, failed_step_ups = 0, locked_until = 0 WHERE id = @id').run({ id, locked });
    },
    /**
     * Ends every open ceremony of the account (an operator revoked, reset, locked or ended sessions):
     * handles sealed under the old epoch are refused from then on. Nothing to count: started
     * ceremonies are not stored.
     */
    endCeremonies(id: number): void {
      db.prepare('UPDATE accounts SET ceremony_epoch = ceremony_epoch + 1 WHERE id = @id').run({ id });
    },
    /** A stronger hash of the same password (the scrypt cost rose since it was stored). */
    setPasswordHash(id: number, passwordHash: string): void {
      db.prepare('UPDATE accounts SET password_hash = @passwordHash WHERE id = @id').run({ id, passwordHash });
    },
    /** Substring match on login ID, display name or a registered email. */
    search(query: string, limit: number): AccountRow[] {
      const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return db
        .prepare(
          `SELECT * FROM accounts a WHERE a.login_id LIKE @pattern ESCAPE '\\' OR a.display_name LIKE @pattern ESCAPE '\\'
             OR EXISTS (SELECT 1 FROM emails e WHERE e.account_id = a.id AND e.address LIKE @pattern ESCAPE '\\')
           ORDER BY a.id LIMIT @limit`,
        )
        .all({ pattern, limit })
        .map(toAccount);
    },
  };
}
