import { createHash } from 'node:crypto';
import type { Row, SqliteDriver } from '../driver.js';
import type { AuditRow } from '../rows.js';
import { num, numOrNull, strOrNull } from './columns.js';

export const AUDIT_GENESIS = '0'.repeat(64);

export interface AuditEntryInput {
  at: number;
  actor: string;
  action: string;
  outcome: 'success' | 'failure';
  code?: string | null;
  accountId?: number | null;
  details?: Record<string, unknown>;
}

/** The bytes a row's hash covers: every column but the hashes, in a fixed order. */
function canonicalAuditRow(r: { id: number; at: number; actor: string; action: string; outcome: string; code: string | null; accountId: number | null; details: string }): string {
  return JSON.stringify([r.id, r.at, r.actor, r.action, r.outcome, r.code, r.accountId, r.details]);
}

function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/** The append-only audit log: each row carries the hash of the one before (triggers refuse UPDATE and DELETE). */
export function auditRepository(db: SqliteDriver) {
  const toAudit = (r: Row): AuditRow => ({
    id: num(r.id),
    at: num(r.at),
    actor: String(r.actor),
    action: String(r.action),
    outcome: String(r.outcome),
    code: strOrNull(r.code),
    accountId: numOrNull(r.account_id),
    details: JSON.parse(String(r.details)) as Record<string, unknown>,
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  });
  return {
    /** Appends one hash-chained row; joins the caller's transaction so the row commits with the change it records. */
    append(e: AuditEntryInput): AuditRow {
      return db.transaction(() => {
        const head = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get();
        const id = head ? num(head.id) + 1 : 1;
        const prevHash = head ? String(head.hash) : AUDIT_GENESIS;
        const row = { id, at: e.at, actor: e.actor, action: e.action, outcome: e.outcome, code: e.code ?? null, accountId: e.accountId ?? null, details: JSON.stringify(e.details ?? {}) };
        const hash = chainHash(prevHash, canonicalAuditRow(row));
        db.prepare(
          `INSERT INTO audit_log (id, at, actor, action, outcome, code, account_id, details, prev_hash, hash)
           VALUES (@id, @at, @actor, @action, @outcome, @code, @accountId, @details, @prevHash, @hash)`,
        ).run({ ...row, prevHash, hash });
        return { ...row, details: e.details ?? {}, prevHash, hash };
      });
    },
    list(q: { accountId?: number; afterId?: number; limit?: number } = {}): AuditRow[] {
      const params = { accountId: q.accountId ?? null, afterId: q.afterId ?? 0, limit: q.limit ?? 100 };
      return db
        .prepare('SELECT * FROM audit_log WHERE id > @afterId AND (@accountId IS NULL OR account_id = @accountId) ORDER BY id LIMIT @limit')
        .all(params)
        .map(toAudit);
    },
    /**
     * Support's audit log view: newest first, filtered by actor (substring), action (prefix), account
     * and time range, one page at a time; `total` counts every match so the UI can page.
     */
    search(q: { actor?: string; action?: string; accountId?: number; from?: number; to?: number; offset?: number; limit?: number }): { rows: AuditRow[]; total: number } {
      const like = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);
      const params = {
        actor: q.actor ? `%${like(q.actor)}%` : null,
        action: q.action ? `${like(q.action)}%` : null,
        accountId: q.accountId ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
      };
      const where = `(@actor IS NULL OR actor LIKE @actor ESCAPE '\\') AND (@action IS NULL OR action LIKE @action ESCAPE '\\')
        AND (@accountId IS NULL OR account_id = @accountId) AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)`;
      const total = num(db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE ${where}`).get(params)!.n);
      const rows = db
        .prepare(`SELECT * FROM audit_log WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit ?? 50, offset: q.offset ?? 0 })
        .map(toAudit);
      return { rows, total };
    },
    /** Recomputes the chain; the first row whose link or content does not match is reported. */
    verify(): { ok: boolean; count: number; brokenAt?: number } {
      let prevHash = AUDIT_GENESIS;
      let expectedId = 1;
      let count = 0;
      for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').all()) {
        const id = num(r.id);
        const row = { id, at: num(r.at), actor: String(r.actor), action: String(r.action), outcome: String(r.outcome), code: strOrNull(r.code), accountId: numOrNull(r.account_id), details: String(r.details) };
        if (id !== expectedId || String(r.prev_hash) !== prevHash || chainHash(prevHash, canonicalAuditRow(row)) !== String(r.hash)) {
          return { ok: false, count, brokenAt: id };
        }
        prevHash = String(r.hash);
        expectedId++;
        count++;
      }
      return { ok: true, count };
    },
  };
}
