import { HarnessError } from '../../errors.js';
import type { Row, SqliteDriver } from '../driver.js';
import type { AdminRow } from '../rows.js';
import { num, isUniqueViolation } from './columns.js';

/** Support users and their roles. */
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
