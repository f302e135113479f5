import { createHash } from 'node:crypto';
import { HarnessError } from '../errors.js';
import type { Row, SqliteDriver } from './driver.js';
import type {
  AccountRow,
  AdminRow,
  AuditRow,
  ChallengeRow,
  EmailRow,
  OtpRow,
  OutboxRow,
  PasskeyRow,
  SessionRow,
  StepUpCodeRow,
} from './rows.js';

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message);
}

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

export function emailsRepository(db: SqliteDriver) {
  const toEmail = (r: Row): EmailRow => ({ id: num(r.id), accountId: num(r.account_id), address: String(r.address) });
  return {
    add(accountId: number, address: string): number {
      return num(db.prepare('INSERT INTO emails (account_id, address) VALUES (@accountId, @address)').run({ accountId, address }).lastInsertRowid);
    },
    list(accountId: number): EmailRow[] {
      return db.prepare('SELECT * FROM emails WHERE account_id = @accountId ORDER BY id').all({ accountId }).map(toEmail);
    },
    /** Only the account's own address: an emailId of someone else's is simply not found. */
    byId(accountId: number, emailId: number): EmailRow | undefined {
      const r = db.prepare('SELECT * FROM emails WHERE id = @emailId AND account_id = @accountId').get({ accountId, emailId });
      return r ? toEmail(r) : undefined;
    },
  };
}

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
    deleteForAccount(accountId: number): number {
      return db.prepare('DELETE FROM sessions WHERE account_id = @accountId').run({ accountId }).changes;
    },
  };
}

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
    sentSince(accountId: number, since: number): number {
      return num(db.prepare('SELECT COUNT(*) AS n FROM step_up_codes WHERE account_id = @accountId AND created_at >= @since').get({ accountId, since })?.n);
    },
    lastSentAt(sessionId: number): number | null {
      return numOrNull(db.prepare('SELECT MAX(created_at) AS t FROM step_up_codes WHERE session_id = @sessionId').get({ sessionId })?.t);
    },
  };
}

export function challengesRepository(db: SqliteDriver) {
  const toChallenge = (r: Row): ChallengeRow => ({
    id: num(r.id),
    handle: String(r.handle),
    challenge: String(r.challenge),
    purpose: r.purpose as ChallengeRow['purpose'],
    sessionId: numOrNull(r.session_id),
    accountId: numOrNull(r.account_id),
    loginId: strOrNull(r.login_id),
    userVerification: String(r.user_verification),
    algorithms: JSON.parse(String(r.algorithms)) as number[],
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    consumedAt: numOrNull(r.consumed_at),
  });
  return {
    insert(c: Omit<ChallengeRow, 'id' | 'consumedAt'>): number {
      return num(
        db
          .prepare(
            `INSERT INTO challenges (handle, challenge, purpose, session_id, account_id, login_id, user_verification, algorithms, created_at, expires_at)
             VALUES (@handle, @challenge, @purpose, @sessionId, @accountId, @loginId, @userVerification, @algorithms, @createdAt, @expiresAt)`,
          )
          .run({ ...c, algorithms: JSON.stringify(c.algorithms) }).lastInsertRowid,
      );
    },
    byHandle(handle: string): ChallengeRow | undefined {
      const r = db.prepare('SELECT * FROM challenges WHERE handle = @handle').get({ handle });
      return r ? toChallenge(r) : undefined;
    },
    latestForSession(sessionId: number, purpose: ChallengeRow['purpose']): ChallengeRow | undefined {
      const r = db.prepare('SELECT * FROM challenges WHERE session_id = @sessionId AND purpose = @purpose ORDER BY id DESC LIMIT 1').get({ sessionId, purpose });
      return r ? toChallenge(r) : undefined;
    },
    /** Compare-and-swap: true for exactly one caller; a replay sees false. */
    consume(id: number, now: number): boolean {
      return db.prepare('UPDATE challenges SET consumed_at = @now WHERE id = @id AND consumed_at IS NULL').run({ id, now }).changes === 1;
    },
    /** Ends every open ceremony of the account (revocation). */
    consumeOpenForAccount(accountId: number, now: number): number {
      return db
        .prepare(
          `UPDATE challenges SET consumed_at = @now WHERE consumed_at IS NULL AND (account_id = @accountId
             OR session_id IN (SELECT id FROM sessions WHERE account_id = @accountId))`,
        )
        .run({ accountId, now }).changes;
    },
  };
}

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
    createdAt: num(r.created_at),
    lastUsedAt: numOrNull(r.last_used_at),
    revokedAt: numOrNull(r.revoked_at),
    revokeReason: strOrNull(r.revoke_reason),
    revokeTicket: strOrNull(r.revoke_ticket),
  });
  return {
    /** The UNIQUE constraint on credential_id is the arbiter: a duplicate throws CREDENTIAL_EXISTS. */
    insert(p: Omit<PasskeyRow, 'id' | 'lastUsedAt' | 'revokedAt' | 'revokeReason' | 'revokeTicket'>): number {
      try {
        return num(
          db
            .prepare(
              `INSERT INTO passkeys (account_id, credential_id, public_key, alg, name, aaguid, transports, backup_eligible, backup_state,
                 user_verified, counter, fmt, created_at)
               VALUES (@accountId, @credentialId, @publicKey, @alg, @name, @aaguid, @transports, @backupEligible, @backupState,
                 @userVerified, @counter, @fmt, @createdAt)`,
            )
            .run({ ...p, transports: JSON.stringify(p.transports) }).lastInsertRowid,
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new HarnessError('CREDENTIAL_EXISTS', 'this credential is already registered', { cause: error });
        throw error;
      }
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

export function adminsRepository(db: SqliteDriver) {
  const toAdmin = (r: Row): AdminRow => ({ id: num(r.id), name: String(r.name), role: r.role as AdminRow['role'], createdAt: num(r.created_at) });
  return {
    insert(a: { name: string; role: AdminRow['role']; createdAt: number }): number {
      try {
        return num(db.prepare('INSERT INTO admin_users (name, role, created_at) VALUES (@name, @role, @createdAt)').run(a).lastInsertRowid);
      } catch (error) {
        if (isUniqueViolation(error)) throw new HarnessError('INVALID_INPUT', `admin ${a.name} exists`, { cause: error });
        throw error;
      }
    },
    byName(name: string): AdminRow | undefined {
      const r = db.prepare('SELECT * FROM admin_users WHERE name = @name').get({ name });
      return r ? toAdmin(r) : undefined;
    },
    list(): AdminRow[] {
      return db.prepare('SELECT * FROM admin_users ORDER BY id').all().map(toAdmin);
    },
  };
}

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

export function outboxRepository(db: SqliteDriver) {
  const toMail = (r: Row): OutboxRow => ({
    id: num(r.id),
    to: String(r.to_address),
    subject: String(r.subject),
    text: String(r.body),
    transport: String(r.transport),
    createdAt: num(r.created_at),
  });
  return {
    insert(m: { to: string; subject: string; text: string; transport: string; createdAt: number }): number {
      return num(
        db.prepare('INSERT INTO mail_outbox (to_address, subject, body, transport, created_at) VALUES (@to, @subject, @text, @transport, @createdAt)').run(m).lastInsertRowid,
      );
    },
    list(q: { to?: string; limit?: number } = {}): OutboxRow[] {
      return db
        .prepare('SELECT * FROM mail_outbox WHERE (@to IS NULL OR to_address = @to) ORDER BY id DESC LIMIT @limit')
        .all({ to: q.to ?? null, limit: q.limit ?? 100 })
        .map(toMail);
    },
  };
}

export function metaRepository(db: SqliteDriver) {
  return {
    get(key: string): string | undefined {
      const r = db.prepare('SELECT value FROM meta WHERE key = @key').get({ key });
      return r ? String(r.value) : undefined;
    },
    /** Replaces the value (e.g. the harness's rotated admin-token hashes). */
    set(key: string, value: string): void {
      db.prepare('INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run({ key, value });
    },
    /** Sets the value only if absent and returns whichever value is stored (first writer wins). */
    getOrInit(key: string, value: string): string {
      db.prepare('INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT(key) DO NOTHING').run({ key, value });
      return this.get(key)!;
    },
  };
}
