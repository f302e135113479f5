import { hash } from 'node:crypto';
import type { Row, SqliteDriver } from '../driver.js';
import type { AccountRow, SessionRow } from '../rows.js';
import { toAccount } from './accounts.js';
import { num, numOrNull, strOrNull } from './columns.js';

export const SESSION_BINDING_BYTES = 16;

/**
 * The binding of a session whose first token hashes to `tokenHash`: derived, not drawn, so every
 * caller of `create` gets one without new randomness (a seeded scenario seals the same handles on
 * replay), and unique because the first token is 32 random bytes (`token_hash` is UNIQUE). It is
 * fixed at creation: `rotate` changes the token, not the session. One-way, so it gives nobody the token.
 */
function bindingOf(tokenHash: string): Uint8Array {
  return hash('sha256', `passkey-harness/session-binding@1:${tokenHash}`, 'buffer').subarray(0, SESSION_BINDING_BYTES);
}

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
    binding: r.binding as Uint8Array,
  });
  return {
    create(s: { tokenHash: string; accountId: number; now: number }): number {
      return num(
        db
          .prepare('INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, binding) VALUES (@tokenHash, @accountId, @now, @now, @binding)')
          .run({ ...s, binding: bindingOf(s.tokenHash) }).lastInsertRowid,
      );
    },
    /** The session and its account in one lookup (every customer request starts here); `account` undefined if it is gone. */
    withAccount(tokenHash: string): { session: SessionRow; account: AccountRow | undefined } | undefined {
      const r = db
        .prepare(
          `SELECT s.id AS s_id, s.token_hash AS s_token_hash, s.account_id AS s_account_id, s.created_at AS s_created_at,
             s.last_seen_at AS s_last_seen_at, s.step_up_at AS s_step_up_at, s.step_up_method AS s_step_up_method,
             s.step_up_purpose AS s_step_up_purpose, s.binding AS s_binding, a.*
           FROM sessions s LEFT JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = @tokenHash`,
        )
        .get({ tokenHash });
      if (!r) return undefined;
      const session = toSession({
        id: r.s_id,
        token_hash: r.s_token_hash,
        account_id: r.s_account_id,
        created_at: r.s_created_at,
        last_seen_at: r.s_last_seen_at,
        step_up_at: r.s_step_up_at,
        step_up_method: r.s_step_up_method,
        step_up_purpose: r.s_step_up_purpose,
        binding: r.s_binding,
      });
      return { session, account: r.id === null || r.id === undefined ? undefined : toAccount(r) };
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
    /** New token, same row and binding: codes and ceremonies bound to the session stay bound. */
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
