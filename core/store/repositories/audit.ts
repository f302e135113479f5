import type { Row, SqliteDriver } from '../driver.js';
import type { AuditRow } from '../rows.js';
import { parseSignedHead, serializeSignedHead, type AuditAnchor, type AuditHead, type SignedAuditHead } from '../auditAnchor.js';
import { num, numOrNull, strOrNull } from './columns.js';
import { canonicalAuditRow, chainHash } from './auditChain.js';
import { toWellFormed } from '../../wellFormed.js';

export const AUDIT_GENESIS = '0'.repeat(64);
/** How long `appendSoon` may hold a row when no other write comes first. */
export const DEFER_MS = 200;
/** Meta key of the signed checkpoint `{ id, hash, mac }` of the newest row. */
export const AUDIT_HEAD_KEY = 'audit.head';
/** Rows the store itself writes when it finds the log tampered with (actor `store`, code AUDIT_TAMPERED). */
export const AUDIT_TAMPERED_ACTION = 'audit.tampered';

/** `brokenAt`, `missing` and `problems` only when something is wrong. */
export interface AuditVerification {
  ok: boolean;
  /** Rows present and intact up to the first altered one. */
  count: number;
  brokenAt?: number;
  missing?: number;
  problems?: string[];
}

/** The newest row (MAX(id) is one seek; a subquery with ORDER BY … LIMIT would be materialized in a temporary table) and the checkpoint. */
const HEAD_SQL = `SELECT a.id AS id, a.hash AS hash, (SELECT value FROM meta WHERE key = '${AUDIT_HEAD_KEY}') AS checkpoint
  FROM (SELECT 1) LEFT JOIN audit_log a ON a.id = (SELECT MAX(id) FROM audit_log)`;

/** The same statements as migration 1: UPDATE and DELETE on the log abort. */
const TRIGGERS_SQL = `CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;`;

export interface AuditEntryInput {
  at: number;
  actor: string;
  action: string;
  outcome: 'success' | 'failure';
  code?: string | null;
  accountId?: number | null;
  details?: Record<string, unknown>;
}

/** The passkey a search is about, resolved by core/rp (its account, and how it was revoked). */
export interface AuditPasskey {
  id: number;
  accountId: number;
  credentialId: string;
  revokedAt: number | null;
  revokeReason: string | null;
  revokeTicket: string | null;
}

export interface AuditSearch {
  actor?: string;
  action?: string;
  accountId?: number;
  from?: number;
  to?: number;
  /** Only rows of its account whose details name it (`NAMES_PASSKEY`), plus the reset that revoked it. */
  passkey?: AuditPasskey;
  offset?: number;
  limit?: number;
}

/**
 * How audit details name a passkey: `passkeyId` (login, revoke, delete, registration), `credentialId`
 * (registration, revoke, delete, harness phone actions), `credentialIds` (harness phone export/import/
 * delete) and `removedCredentialIds` (phone signals).
 */
const NAMES_PASSKEY = `(json_extract(details, '$.passkeyId') = @pkId OR json_extract(details, '$.credentialId') = @pkCredential
  OR EXISTS (SELECT 1 FROM json_each(details, '$.credentialIds') WHERE value = @pkCredential)
  OR EXISTS (SELECT 1 FROM json_each(details, '$.removedCredentialIds') WHERE value = @pkCredential))`;

/**
 * The append-only audit log: each row carries the hash of the one before (triggers refuse UPDATE
 * and DELETE), and the newest row is anchored by an HMAC-signed checkpoint (see `auditAnchor.ts`).
 */
export function auditRepository(db: SqliteDriver, anchor: AuditAnchor) {
  /** The checkpoint text and head this process wrote last: while both are still what is stored, nobody else moved the head. */
  let lastCheckpoint: string | undefined;
  let lastHead: AuditHead | undefined;
  let pendingSidecar: SignedAuditHead | undefined;

  function writeSidecarNow(head: SignedAuditHead): void {
    try {
      anchor.writeSidecar(head);
    } catch {
      // verify() reports a missing or stale sidecar; the committed change stands.
    }
  }
  const flushSidecar = () => {
    const head = pendingSidecar;
    pendingSidecar = undefined;
    if (head) writeSidecarNow(head);
  };

  /**
   * The checkpoint a transaction owes: written once, just before it commits, for its last row (a
   * ceremony's finish appends its deferred start row and its own; only the newest head is signed).
   */
  let checkpointDue: AuditHead | undefined;
  function writeCheckpoint(head: AuditHead): void {
    if (!checkpointDue) {
      db.beforeCommit(() => {
        const due = checkpointDue;
        checkpointDue = undefined;
        if (due) writeCheckpointNow(due);
      });
      db.afterRollback(() => {
        checkpointDue = undefined;
      });
    }
    checkpointDue = head;
  }

  function writeCheckpointNow(head: AuditHead): void {
    const signed = anchor.sign(head);
    const text = serializeSignedHead(signed);
    db.prepare('INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run({ key: AUDIT_HEAD_KEY, value: text });
    lastCheckpoint = text;
    lastHead = { id: head.id, hash: head.hash };
    // The sidecar must never claim a head that did not commit (that would read as a truncation).
    pendingSidecar = signed;
    db.afterCommit(flushSidecar);
  }

  function insert(e: AuditEntryInput, prev: AuditHead, id: number): AuditRow {
    // Stored text must read back as hashed: an actor like `customer:<lone surrogate>` would come back as U+FFFD
    // and the row would verify as altered (JSON.stringify already escapes them inside details).
    const row = { id, at: e.at, actor: toWellFormed(e.actor), action: toWellFormed(e.action), outcome: e.outcome, code: e.code ?? null, accountId: e.accountId ?? null, details: JSON.stringify(e.details ?? {}) };
    const hash = chainHash(prev.hash, canonicalAuditRow(row));
    db.prepare(
      `INSERT INTO audit_log (id, at, actor, action, outcome, code, account_id, details, prev_hash, hash)
       VALUES (@id, @at, @actor, @action, @outcome, @code, @accountId, @details, @prevHash, @hash)`,
    ).run({ ...row, prevHash: prev.hash, hash });
    return { ...row, details: e.details ?? {}, prevHash: prev.hash, hash };
  }

  /**
   * The head does not match what this process last signed: fine when the checkpoint verifies and
   * names this very head (another process appended), else what went wrong and where IDs resume.
   */
  function examineHead(head: AuditHead | undefined, text: string | undefined): { problem: string; missing?: number; checkpoint?: AuditHead; resumeAt: number } | undefined {
    const headId = head?.id ?? 0;
    const problems: string[] = [];
    const anchors: SignedAuditHead[] = [];
    const checkpoint = parseSignedHead(text);
    if (text === undefined) {
      if (head) problems.push('the signed checkpoint was missing');
    } else if (!checkpoint || !anchor.verify(checkpoint)) problems.push('the checkpoint did not verify under the audit key');
    else anchors.push(checkpoint);
    const sidecar = anchor.readSidecar().head;
    if (sidecar && anchor.verify(sidecar)) anchors.push(sidecar);
    const expected = anchors.reduce<SignedAuditHead | undefined>((best, h) => (best === undefined || h.id > best.id ? h : best), undefined);
    let missing: number | undefined;
    let resumeAt = headId + 1;
    if (expected && expected.id > headId) {
      missing = expected.id - headId;
      resumeAt = expected.id + 1;
      problems.push(`the newest ${missing} row(s) (${headId + 1}–${expected.id}) had been deleted`);
    } else if (expected && expected.id < headId && checkpoint && anchors.includes(checkpoint)) {
      problems.push(`rows ${expected.id + 1}–${headId} had been added without the store`);
    } else if (expected && expected.id === headId && expected.hash !== head!.hash) {
      problems.push(`row ${headId} differed from the signed checkpoint`);
    }
    if (problems.length === 0) return undefined;
    return { problem: problems.join('; '), ...(missing ? { missing } : {}), ...(expected ? { checkpoint: { id: expected.id, hash: expected.hash } } : {}), resumeAt };
  }

  /** Rows `appendSoon` holds; `inFlight` of them are written in a transaction that has not ended yet. */
  const deferred: AuditEntryInput[] = [];
  let inFlight = 0;
  let deferTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * The head this open transaction wrote last: it holds the write lock (BEGIN IMMEDIATE), so nobody
   * else can have moved it, and the next row in the same transaction chains on without reading it.
   */
  let txHead: AuditHead | undefined;

  function appendOne(e: AuditEntryInput): AuditRow {
    if (txHead) return chainOn(e, txHead);
    const state = db.prepare(HEAD_SQL).get()!;
    const head: AuditHead | undefined = state.id === null || state.id === undefined ? undefined : { id: num(state.id), hash: String(state.hash) };
    const checkpoint = strOrNull(state.checkpoint) ?? undefined;
    let prev: AuditHead = head ?? { id: 0, hash: AUDIT_GENESIS };
    // Fast path: the stored checkpoint and the head are exactly what this process wrote last.
    if (checkpoint !== lastCheckpoint || head?.id !== lastHead?.id || head?.hash !== lastHead?.hash) {
      const anomaly = examineHead(head, checkpoint);
      if (anomaly) {
        const details = { problem: anomaly.problem, ...(anomaly.missing ? { missing: anomaly.missing } : {}), head: head ?? null, checkpoint: anomaly.checkpoint ?? null };
        prev = insert({ at: e.at, actor: 'store', action: AUDIT_TAMPERED_ACTION, outcome: 'failure', code: 'AUDIT_TAMPERED', details }, prev, anomaly.resumeAt);
      }
    }
    return chainOn(e, prev);
  }

  function chainOn(e: AuditEntryInput, prev: AuditHead): AuditRow {
    const row = insert(e, prev, prev.id + 1);
    const first = txHead === undefined;
    txHead = { id: row.id, hash: row.hash };
    // Set before the hooks: outside a transaction afterCommit runs at once and forgets it again.
    if (first) {
      const end = () => {
        txHead = undefined;
      };
      db.afterCommit(end);
      db.afterRollback(end);
    }
    writeCheckpoint(row);
    return row;
  }

  /**
   * Inside a transaction: writes the held rows before whatever it records (so they keep their order).
   * They leave the queue only when it commits; a rollback leaves them held for the next write.
   */
  function drainDeferred(): void {
    if (deferred.length === inFlight) return;
    const start = inFlight;
    if (start === 0) {
      db.afterCommit(() => {
        deferred.splice(0, inFlight);
        inFlight = 0;
        // Written with this commit: the timer that would have written them has nothing left to do.
        if (deferred.length === 0 && deferTimer) {
          clearTimeout(deferTimer);
          deferTimer = undefined;
        }
      });
      db.afterRollback(() => {
        inFlight = 0;
      });
    }
    for (let i = start; i < deferred.length; i++) appendOne(deferred[i]!);
    inFlight = deferred.length;
  }

  function flushDeferred(): void {
    if (deferTimer) clearTimeout(deferTimer);
    deferTimer = undefined;
    if (deferred.length === inFlight) return;
    try {
      db.transaction(drainDeferred);
    } catch {
      // The store is closed or failing: the held rows stay held; the next write tries again.
    }
  }

  const toAudit = (r: Row): AuditRow => ({
    id: num(r.id),
    at: num(r.at),
    actor: String(r.actor),
    action: String(r.action),
    outcome: String(r.outcome),
    code: strOrNull(r.code),
    accountId: numOrNull(r.account_id),
    details: readDetails(String(r.details)),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  });
  /**
   * `admin.resetPasskeys` rows name no passkey: the one that revoked `pk` is the account's first reset
   * at or after its revocation with the same reason and ticket, unless a row naming it revoked it.
   */
  function revokedByReset(pk: AuditPasskey): number | undefined {
    const named = db
      .prepare(
        `SELECT 1 FROM audit_log INDEXED BY audit_account WHERE account_id = @accountId AND action IN ('admin.revokePasskey', 'passkey.delete')
           AND outcome = 'success' AND json_extract(details, '$.passkeyId') = @id LIMIT 1`,
      )
      .get({ accountId: pk.accountId, id: pk.id });
    if (named) return undefined;
    const reset = db
      .prepare(
        `SELECT MIN(id) AS id FROM audit_log INDEXED BY audit_account WHERE account_id = @accountId AND action = 'admin.resetPasskeys' AND outcome = 'success'
           AND at >= @revokedAt AND json_extract(details, '$.reason') = @reason AND json_extract(details, '$.ticket') = @ticket`,
      )
      .get({ accountId: pk.accountId, revokedAt: pk.revokedAt, reason: pk.revokeReason, ticket: pk.revokeTicket });
    return numOrNull(reset?.id) ?? undefined;
  }
  const repository = {
    /**
     * Appends one hash-chained row; joins the caller's transaction so the row commits with the change
     * it records, and so does the signed checkpoint of the new head (`meta audit.head`). The checkpoint
     * is derived from the new row alone; its stored text is compared with what this process wrote
     * last, so a head that another process or someone with the file changed is examined (MAC, sidecar)
     * before anything chains onto it. A mismatch never chains on silently: an `audit.tampered` row
     * records it first, and after a truncation the IDs resume above the checkpoint, leaving the gap.
     */
    append(e: AuditEntryInput): AuditRow {
      return db.transaction(() => {
        drainDeferred();
        return appendOne(e);
      });
    },
    /**
     * Records `e` with the next write of this store, or within `DEFER_MS` on its own: for rows that
     * accompany no change of state (a ceremony start, which stores nothing since its handle is
     * sealed), so they cost no commit of their own. Until then readers of this store see them
     * (every read drains first); a process killed in between loses them, and nothing else.
     */
    appendSoon(e: AuditEntryInput): void {
      deferred.push(e);
      if (!deferTimer) {
        deferTimer = setTimeout(flushDeferred, DEFER_MS);
        deferTimer.unref?.();
      }
    },
    /** Writes the rows `appendSoon` holds (at close, and before every read). */
    flush(): void {
      flushDeferred();
    },
    /**
     * What opening the store does for the chain: recreate the append-only triggers if someone dropped
     * them (and record that), anchor a chain that predates checkpoints (only when this open created the
     * key: a database that had a key and lost its checkpoint is not re-anchored), and bring a lagging
     * sidecar up to the checkpoint (never down: a sidecar ahead of the database is evidence).
     */
    anchorOnOpen(opts: { at: number; keyCreated: boolean }): void {
      const triggers = num(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name IN ('audit_log_no_update', 'audit_log_no_delete')`).get()!.n);
      if (triggers < 2) {
        db.transaction(() => {
          db.exec(TRIGGERS_SQL);
          repository.append({ at: opts.at, actor: 'store', action: AUDIT_TAMPERED_ACTION, outcome: 'failure', code: 'AUDIT_TAMPERED', details: { problem: 'the append-only triggers had been dropped; recreated when the store opened' } });
        });
      }
      const state = db.prepare(HEAD_SQL).get()!;
      const checkpoint = parseSignedHead(strOrNull(state.checkpoint) ?? undefined);
      const sidecar = anchor.readSidecar();
      if (state.checkpoint == null && state.id != null && sidecar.missing && opts.keyCreated) {
        db.transaction(() => {
          const head = { id: num(state.id), hash: String(state.hash) };
          writeCheckpoint(head);
          repository.append({ at: opts.at, actor: 'store', action: 'audit.anchor', outcome: 'success', details: { anchoredRows: head.id, note: 'first signed checkpoint of an existing chain' } });
        });
        return;
      }
      if (checkpoint && anchor.verify(checkpoint) && (sidecar.missing || (sidecar.head && anchor.verify(sidecar.head) && sidecar.head.id < checkpoint.id))) {
        writeSidecarNow(checkpoint);
      }
    },
    /** How many rows of `action` with `outcome` an account has since `since` (e.g. step-up mails sent: rate limits that survive logout). */
    countSince(q: { accountId: number; action: string; outcome: 'success' | 'failure'; since: number }): number {
      flushDeferred();
      return num(
        db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE account_id = @accountId AND action = @action AND outcome = @outcome AND at >= @since').get(q)?.n,
      );
    },
    list(q: { accountId?: number; afterId?: number; limit?: number } = {}): AuditRow[] {
      flushDeferred();
      const params = { accountId: q.accountId ?? null, afterId: q.afterId ?? 0, limit: q.limit ?? 100 };
      return db
        .prepare('SELECT * FROM audit_log WHERE id > @afterId AND (@accountId IS NULL OR account_id = @accountId) ORDER BY id LIMIT @limit')
        .all(params)
        .map(toAudit);
    },
    /**
     * Support's audit log view: newest first, filtered by actor (substring), action (prefix), account,
     * time range and one passkey, one page at a time; `total` counts every match so the UI can page.
     */
    search(q: AuditSearch): { rows: AuditRow[]; total: number } {
      flushDeferred();
      const like = (v: string) => v.replace(/[\\%_]/g, (c) => `\\${c}`);
      const pk = q.passkey;
      const params = {
        actor: q.actor ? `%${like(q.actor)}%` : null,
        action: q.action ? `${like(q.action)}%` : null,
        accountId: q.accountId ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
        ...(pk ? { pkAccount: pk.accountId, pkId: pk.id, pkCredential: pk.credentialId, pkReset: pk.revokedAt === null ? null : (revokedByReset(pk) ?? null) } : {}),
      };
      let where = `(@actor IS NULL OR actor LIKE @actor ESCAPE '\\') AND (@action IS NULL OR action LIKE @action ESCAPE '\\')
        AND (@accountId IS NULL OR account_id = @accountId) AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)`;
      if (pk) where += ` AND account_id = @pkAccount AND (${NAMES_PASSKEY} OR id = @pkReset)`;
      // A passkey's rows are its account's rows: `INDEXED BY audit_account` walks that account's rows only
      // (json_extract runs on those), never the whole log; SQLite refuses the query if the index is gone.
      const from = pk ? 'audit_log INDEXED BY audit_account' : 'audit_log';
      const total = num(db.prepare(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`).get(params)!.n);
      const rows = db
        .prepare(`SELECT * FROM ${from} WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit ?? 50, offset: q.offset ?? 0 })
        .map(toAudit);
      return { rows, total };
    },
    /**
     * Recomputes the chain and holds it against the signed checkpoint and the sidecar. `brokenAt` is
     * the first row ID where the log differs from what was written (altered, or the first missing
     * one); `missing` counts deleted rows (gaps, and the newest rows when the head is behind the
     * checkpoint); `problems` says what was found, in words.
     */
    verify(): AuditVerification {
      flushDeferred();
      let prevHash = AUDIT_GENESIS;
      let expectedId = 1;
      let count = 0;
      let missing = 0;
      let brokenAt: number | undefined;
      const problems: string[] = [];
      const broken = (id: number, problem: string) => {
        brokenAt ??= id;
        problems.push(problem);
      };
      let altered = false;
      for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').all()) {
        const id = num(r.id);
        if (id > expectedId) {
          // IDs are dense from 1: the rows in between were deleted. Carry on from this row's own link.
          missing += id - expectedId;
          broken(expectedId, id - expectedId === 1 ? `row ${expectedId} is missing` : `rows ${expectedId}–${id - 1} are missing (${id - expectedId})`);
          prevHash = String(r.prev_hash);
        }
        const row = { id, at: num(r.at), actor: String(r.actor), action: String(r.action), outcome: String(r.outcome), code: strOrNull(r.code), accountId: numOrNull(r.account_id), details: String(r.details) };
        if (String(r.prev_hash) !== prevHash || chainHash(prevHash, canonicalAuditRow(row)) !== String(r.hash)) {
          broken(id, `row ${id} was altered (its hash or link does not match)`);
          altered = true;
          break;
        }
        if (row.actor === 'store' && row.action === AUDIT_TAMPERED_ACTION) {
          const problem = (JSON.parse(row.details) as { problem?: unknown }).problem;
          broken(id, `row ${id} records tampering found earlier: ${typeof problem === 'string' ? problem : 'see its details'}`);
        }
        prevHash = String(r.hash);
        expectedId = id + 1;
        count++;
      }
      if (!altered) {
        const lastId = expectedId - 1;
        const checkpointText = strOrNull(db.prepare(`SELECT value FROM meta WHERE key = '${AUDIT_HEAD_KEY}'`).get()?.value) ?? undefined;
        const checkpoint = parseSignedHead(checkpointText);
        const anchors: SignedAuditHead[] = [];
        if (checkpointText === undefined) {
          if (lastId > 0) broken(1, 'the signed checkpoint of the head is missing from the database');
        } else if (!checkpoint || !anchor.verify(checkpoint)) {
          broken(1, `the checkpoint in the database does not verify under the audit key${anchor.keyPath ? ` (${anchor.keyPath})` : ''}`);
        } else anchors.push(checkpoint);
        const sidecar = anchor.readSidecar();
        if (sidecar.error) broken(1, sidecar.error);
        else if (sidecar.head && !anchor.verify(sidecar.head)) broken(1, `the sidecar ${anchor.sidecarPath} does not verify under the audit key`);
        else if (sidecar.head) anchors.push(sidecar.head);
        else if (lastId > 0 && anchor.sidecarPath !== null) broken(1, `the sidecar ${anchor.sidecarPath} is missing`);
        const expected = anchors.reduce<SignedAuditHead | undefined>((best, h) => (best === undefined || h.id > best.id ? h : best), undefined);
        if (expected && expected.id > lastId) {
          const gone = expected.id - lastId;
          missing += gone;
          broken(lastId + 1, gone === 1 ? `the newest row (${expected.id}) was deleted` : `the newest ${gone} rows (${lastId + 1}–${expected.id}) were deleted`);
        } else if (expected) {
          const at = db.prepare('SELECT hash FROM audit_log WHERE id = @id').get({ id: expected.id });
          if (!at || String(at.hash) !== expected.hash) broken(expected.id, `row ${expected.id} differs from the signed checkpoint`);
          if (checkpoint && anchors.includes(checkpoint) && checkpoint.id < lastId) broken(checkpoint.id + 1, `rows ${checkpoint.id + 1}–${lastId} were added without the store (no checkpoint covers them)`);
        }
      }
      return problems.length === 0 ? { ok: true, count } : { ok: false, count, brokenAt: brokenAt!, missing, problems };
    },
  };
  return repository;
}

/**
 * A row's details as written. The store writes JSON objects; text that is not one means the file was edited by
 * hand (verify() reports that row as altered). Listing the log still works, showing the damaged text as it is.
 */
function readDetails(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: shown below.
  }
  return { unreadable: text.slice(0, 500) };
}
