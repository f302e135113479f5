import type { Row, SqliteDriver } from '../driver.js';
import type { StepUpCodeRow } from '../rows.js';
import { num, numOrNull } from './columns.js';

/** Emailed step-up codes (HMAC-hashed), bound to a session and purpose. */
export function stepUpRepository(db: SqliteDriver) {
  const toCode = (r: Row): StepUpCodeRow => ({
    id: num(r.id),
    sessionId: num(r.session_id),
    accountId: num(r.account_id),
    emailId: num(r.email_id),
    purpose: String(r.purpose),
    salt: r.salt as Uint8Array,
    codeHash: r.code_hash as Uint8Array,
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    tries: num(r.tries),
    usedAt: numOrNull(r.used_at),
    voidedAt: numOrNull(r.voided_at),
  });
  return {
    /** A new code voids every earlier one for the same session and purpose. */
    voidOpen(sessionId: number, purpose: string, now: number): number {
      return db
        .prepare('UPDATE step_up_codes SET voided_at = @now WHERE session_id = @sessionId AND purpose = @purpose AND used_at IS NULL AND voided_at IS NULL')
        .run({ sessionId, purpose, now }).changes;
    },
    insert(c: Omit<StepUpCodeRow, 'id' | 'tries' | 'usedAt' | 'voidedAt'>): number {
      return num(
        db
          .prepare(
            `INSERT INTO step_up_codes (session_id, account_id, email_id, purpose, salt, code_hash, created_at, expires_at)
             VALUES (@sessionId, @accountId, @emailId, @purpose, @salt, @codeHash, @createdAt, @expiresAt)`,
          )
          .run(c).lastInsertRowid,
      );
    },
    /** The newest code of this session and purpose, whatever its state (the RP decides why it fails). */
    latest(sessionId: number, purpose: string): StepUpCodeRow | undefined {
      const r = db.prepare('SELECT * FROM step_up_codes WHERE session_id = @sessionId AND purpose = @purpose ORDER BY id DESC LIMIT 1').get({ sessionId, purpose });
      return r ? toCode(r) : undefined;
    },
    /** Counts a wrong guess, never past `maxTries` (two processes may both have read tries = max - 1); returns the new count. */
    addTry(id: number, maxTries = Number.MAX_SAFE_INTEGER): number {
      db.prepare('UPDATE step_up_codes SET tries = tries + 1 WHERE id = @id AND tries < @maxTries').run({ id, maxTries });
      return num(db.prepare('SELECT tries FROM step_up_codes WHERE id = @id').get({ id })?.tries);
    },
    /** Compare-and-swap: exactly one caller may use a code, and not once another process locked it with wrong tries. */
    markUsed(id: number, now: number, maxTries = Number.MAX_SAFE_INTEGER): boolean {
      return db.prepare('UPDATE step_up_codes SET used_at = @now WHERE id = @id AND used_at IS NULL AND voided_at IS NULL AND tries < @maxTries').run({ id, now, maxTries }).changes === 1;
    },
    /** Purge: expired codes (the send rate limit counts audit rows, not codes). */
    deleteExpired(now: number): number {
      return db.prepare('DELETE FROM step_up_codes WHERE expires_at < @now').run({ now }).changes;
    },
    lastSentAt(sessionId: number): number | null {
      return numOrNull(db.prepare('SELECT MAX(created_at) AS t FROM step_up_codes WHERE session_id = @sessionId').get({ sessionId })?.t);
    },
  };
}
