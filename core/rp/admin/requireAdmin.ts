import { HarnessError } from '../../errors.js';
import type { AdminRow } from '../../store/index.js';
import { audit, type RpContext } from '../context.js';

/** Resolves the acting admin; a viewer asking for operator work gets FORBIDDEN (and an audit row). */
export function requireAdmin(ctx: RpContext, name: unknown, needs: 'viewer' | 'operator', action: string): AdminRow {
  const admin = typeof name === 'string' ? ctx.store.admins.byName(name) : undefined;
  if (!admin) throw new HarnessError('ADMIN_NOT_FOUND', 'unknown admin user');
  if (needs === 'operator' && admin.role !== 'operator') {
    audit(ctx, { actor: `admin:${admin.name}`, action, outcome: 'failure', code: 'FORBIDDEN' });
    throw new HarnessError('FORBIDDEN', `${action} needs the operator role (${admin.name} is a viewer)`);
  }
  return admin;
}

/** Revoke and reset need both a reason and a ticket reference (REASON_REQUIRED otherwise), as support procedures do. */
export function requireReason(reason: unknown, ticket: unknown): { reason: string; ticket: string } {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 1000) throw new HarnessError('REASON_REQUIRED', 'a reason (up to 1000 characters) is required');
  if (typeof ticket !== 'string' || ticket.trim() === '' || ticket.length > 100) throw new HarnessError('REASON_REQUIRED', 'a ticket reference is required');
  return { reason, ticket };
}
