import type { Row, SqliteDriver } from '../driver.js';
import type { SessionRow } from '../rows.js';
import { num, numOrNull, strOrNull } from './columns.js';

/** Customer sessions by token hash, with the step-up they passed. */
export function sessionsRepository(db: SqliteDriver) {
  const toSession = (r: Row): SessionRow => ({
    id: num(r.id),
    tokenHash: String(r.token_hash),
    accountId: num(r.account_id),
    createdAt: num(r.created_at),
    lastSeenAt: num(r.last_seen_at),
    stepUpAt: numOrNull(r.step_up_at),
    stepUpMethod: strOrNull(r.step_up_method),
    stepUpPurpose: strOrNull(r.step_up_purpose),
  });
  return {
    create(s: { tokenHash: string; accountId: number; now: number }): number {
      return num(
        db.prepare('INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at) VALUES (@tokenHash, @accountId, @now, @now)').run(s).lastInsertRowid,
      );
    },
    byTokenHash(tokenHash: string): SessionRow | undefined {
      const r = db.prepare('SELECT * FROM sessions WHERE token_hash = @tokenHash').get({ tokenHash });
      return r ? toSession(r) : undefined;
    },
    byId(id: number): SessionRow | undefined {
      const r = db.prepare('SELECT * FROM sessions WHERE id = @id').get({ id });
      return r ? toSession(r) : undefined;
    },
    touch(id: number, now: number): void {
      db.prepare('UPDATE sessions SET last_seen_at = @now WHERE id = @id').run({ id, now });
    },
    /** New token, same row: codes and challenges bound to the session row stay bound. */
    rotate(id: number, tokenHash: string): void {
      db.prepare('UPDATE sessions SET token_hash = @tokenHash WHERE id = @id').run({ id, tokenHash });
    },
    markStepUp(id: number, s: { at: number; method: string; purpose: string }): void {
      db.prepare('UPDATE sessions SET step_up_at = @at, step_up_method = @method, step_up_purpose = @purpose WHERE id = @id').run({ id, ...s });
    },
    clearStepUp(id: number): void {
      db.prepare('UPDATE sessions SET step_up_at = NULL, step_up_method = NULL, step_up_purpose = NULL WHERE id = @id').run({ id });
    },
    delete(id: number): void {
      db.prepare('DELETE FROM sessions WHERE id = @id').run({ id });
    },
    /** The account's live sessions, newest first (support's account view). */
    listForAccount(accountId: number): SessionRow[] {
      return db.prepare('SELECT * FROM sessions WHERE account_id = @accountId ORDER BY id DESC').all({ accountId }).map(toSession);
    },
    /** Purge: sessions idle since before `idleBefore` or created before `createdBefore` (their codes and challenges cascade). */
    deleteExpired(q: { idleBefore: number; createdBefore: number }): number {
      return db.prepare('DELETE FROM sessions WHERE last_seen_at < @idleBefore OR created_at < @createdBefore').run(q).changes;
    },
    deleteForAccount(accountId: number): number {
      return db.prepare('DELETE FROM sessions WHERE account_id = @accountId').run({ accountId }).changes;
    },
  };
}
