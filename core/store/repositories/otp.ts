import type { Row, SqliteDriver } from '../driver.js';
import type { OtpRow } from '../rows.js';
import { num } from './columns.js';

/** TOTP enrolments (ワンタイムパスワードサービス): pending until confirmed, one used time step at a time. */
export function otpRepository(db: SqliteDriver) {
  const toOtp = (r: Row): OtpRow => ({
    accountId: num(r.account_id),
    secret: String(r.secret),
    status: r.status as OtpRow['status'],
    lastUsedStep: num(r.last_used_step),
    createdAt: num(r.created_at),
  });
  return {
    get(accountId: number): OtpRow | undefined {
      const r = db.prepare('SELECT * FROM otp_enrolments WHERE account_id = @accountId').get({ accountId });
      return r ? toOtp(r) : undefined;
    },
    /** A pending enrolment may be replaced; an active one may not (the WHERE keeps it). */
    setPending(accountId: number, secret: string, createdAt: number): void {
      db.prepare(
        `INSERT INTO otp_enrolments (account_id, secret, status, created_at) VALUES (@accountId, @secret, 'pending', @createdAt)
         ON CONFLICT(account_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_used_step = -1
         WHERE otp_enrolments.status = 'pending'`,
      ).run({ accountId, secret, createdAt });
    },
    activate(accountId: number): void {
      db.prepare(`UPDATE otp_enrolments SET status = 'active' WHERE account_id = @accountId`).run({ accountId });
    },
    /** Compare-and-swap: a time step is accepted once; false when it (or a later one) was already used. */
    useStep(accountId: number, step: number): boolean {
      return db.prepare('UPDATE otp_enrolments SET last_used_step = @step WHERE account_id = @accountId AND last_used_step < @step').run({ accountId, step }).changes === 1;
    },
  };
}
