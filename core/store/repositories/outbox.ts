import type { Row, SqliteDriver } from '../driver.js';
import type { OutboxRow } from '../rows.js';
import { num } from './columns.js';

/** The captured mailbox: every message the RP sent. */
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
