import { HarnessError } from '../../errors.js';
import type { Row, SqliteDriver } from '../driver.js';
import type { AccountRow } from '../rows.js';
import { num, isUniqueViolation } from './columns.js';

function toAccount(r: Row): AccountRow {
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
    byLoginId(loginId: string): AccountRow | undefined {
      const r = db.prepare('SELECT * FROM accounts WHERE login_id = @loginId').get({ loginId });
      return r ? toAccount(r) : undefined;
    },
    byUserHandle(userHandle: Uint8Array): AccountRow | undefined {
      const r = db.prepare('SELECT * FROM accounts WHERE user_handle = @userHandle').get({ userHandle });
      return r ? toAccount(r) : undefined;
    },
    /** Counts a failed password and locks at `max`; returns the new state. */
    recordLoginFailure(id: number, max: number): { failedLogins: number; locked: boolean } {
      db.prepare('UPDATE accounts SET failed_logins = failed_logins + 1, locked = CASE WHEN failed_logins + 1 >= @max THEN 1 ELSE locked END WHERE id = @id').run({ id, max });
      const a = this.byId(id)!;
      return { failedLogins: a.failedLogins, locked: a.locked };
    },
    resetLoginFailures(id: number): void {
      db.prepare('UPDATE accounts SET failed_logins = 0 WHERE id = @id').run({ id });
    },
    recordStepUpFailure(id: number, max: number): { failedStepUps: number; locked: boolean } {
      db.prepare('UPDATE accounts SET failed_step_ups = failed_step_ups + 1, locked = CASE WHEN failed_step_ups + 1 >= @max THEN 1 ELSE locked END WHERE id = @id').run({ id, max });
      const a = this.byId(id)!;
      return { failedStepUps: a.failedStepUps, locked: a.locked };
    },
    resetStepUpFailures(id: number): void {
      db.prepare('UPDATE accounts SET failed_step_ups = 0 WHERE id = @id').run({ id });
    },
    setLocked(id: number, locked: boolean): void {
      db.prepare('UPDATE accounts SET locked = @locked, failed_logins = 0, failed_step_ups = 0 WHERE id = @id').run({ id, locked });
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
