import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/** A reason is always required for a lock/unlock; a ticket is recorded when support has one. */
export function requireLockReason(reason: unknown, ticket: unknown): { reason: string; ticket: string | null } {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 1000) throw new HarnessError('REASON_REQUIRED', 'a reason (up to 1000 characters) is required');
  if (ticket !== undefined && ticket !== null && ticket !== '' && (typeof ticket !== 'string' || ticket.length > 100)) throw new HarnessError('INVALID_INPUT', 'ticket must be a string of at most 100 characters');
  return { reason, ticket: typeof ticket === 'string' && ticket !== '' ? ticket : null };
}

/**
 * Operator: lock a customer account (suspected takeover). The lock, the end of the account's
 * sessions and open ceremonies, and the audit row commit together, so a locked account never
 * keeps a live session and no lock goes unaudited.
 */
export function lockAccount(ctx: RpContext, opts: { admin: string; accountId: number; reason: string; ticket?: string }): { accountId: number; locked: true; sessionsEnded: number } {
  const admin = requireAdmin(ctx, opts.admin, 'operator', 'admin.lockAccount');
  const { reason, ticket } = requireLockReason(opts.reason, opts.ticket);
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    const account = ctx.store.accounts.byId(opts.accountId);
    if (!account) throw new HarnessError('ACCOUNT_NOT_FOUND', 'no such account');
    ctx.store.accounts.setLocked(account.id, true);
    ctx.store.accounts.endCeremonies(account.id);
    const sessionsEnded = ctx.store.sessions.deleteForAccount(account.id);
    audit(ctx, { actor: `admin:${admin.name}`, action: 'admin.lockAccount', outcome: 'success', accountId: account.id, details: { reason, ticket, wasLocked: account.locked, sessionsEnded, openCeremoniesEnded: true } });
    return { accountId: account.id, locked: true as const, sessionsEnded };
  });
}
