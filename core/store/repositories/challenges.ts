import type { Row, SqliteDriver } from '../driver.js';
import type { ChallengeRow } from '../rows.js';
import { num, numOrNull, strOrNull } from './columns.js';

/** WebAuthn ceremonies: one single-use, expiring challenge each. */
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
    /** Purge: challenges past their expiry (used or not: either way no response can be accepted for them). */
    deleteExpired(now: number): number {
      return db.prepare('DELETE FROM challenges WHERE expires_at < @now').run({ now }).changes;
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
