import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireAdmin, requireReason } from './requireAdmin.js';

/** Operator: revoke every passkey of an account (lost phone), in one transaction with its audit row. */
export function resetPasskeys(ctx: RpContext, opts: { admin: string; accountId: number; reason: string; ticket: string }): { revoked: number } {
  const admin = requireAdmin(ctx, opts.admin, 'operator', 'admin.resetPasskeys');
  const { reason, ticket } = requireReason(opts.reason, opts.ticket);
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    if (!ctx.store.accounts.byId(opts.accountId)) throw new HarnessError('ACCOUNT_NOT_FOUND', 'no such account');
    const revoked = ctx.store.passkeys.revokeAllForAccount(opts.accountId, { now, reason, ticket });
    ctx.store.accounts.endCeremonies(opts.accountId);
    const sessions = ctx.store.sessions.deleteForAccount(opts.accountId);
    audit(ctx, { actor: `admin:${admin.name}`, action: 'admin.resetPasskeys', outcome: 'success', accountId: opts.accountId, details: { revoked, reason, ticket, sessionsEnded: sessions, openCeremoniesEnded: true } });
    return { revoked };
  });
}
