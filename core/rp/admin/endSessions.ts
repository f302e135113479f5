import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireLockReason } from './lockAccount.js';
import { requireAdmin } from './requireAdmin.js';

/**
 * Operator: end every session of a customer ("sign out everywhere") without locking the account.
 * Open ceremonies bound to those sessions end too; the change and its audit row commit together.
 */
export function endSessions(ctx: RpContext, opts: { admin: string; accountId: number; reason: string; ticket?: string }): { accountId: number; sessionsEnded: number } {
  const admin = requireAdmin(ctx, opts.admin, 'operator', 'admin.endSessions');
  const { reason, ticket } = requireLockReason(opts.reason, opts.ticket);
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    const account = ctx.store.accounts.byId(opts.accountId);
    if (!account) throw new HarnessError('ACCOUNT_NOT_FOUND', 'no such account');
    ctx.store.accounts.endCeremonies(account.id);
    const sessionsEnded = ctx.store.sessions.deleteForAccount(account.id);
    audit(ctx, { actor: `admin:${admin.name}`, action: 'admin.endSessions', outcome: 'success', accountId: account.id, details: { reason, ticket, sessionsEnded, openCeremoniesEnded: true } });
    return { accountId: account.id, sessionsEnded };
  });
}
