import type { Row, SqliteDriver } from '../driver.js';
import type { EmailRow } from '../rows.js';
import { num } from './columns.js';

/** A customer's registered addresses (the メール認証 choices). */
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
