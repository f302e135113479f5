import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireLockReason } from './lockAccount.js';
import { requireAdmin } from './requireAdmin.js';

/**
 * Operator: unlock a customer account. The failed-login and failed-step-up counters restart
 * from zero (otherwise the next wrong password would lock it again at once); the audit row
 * commits with the change.
 */
export function unlockAccount(ctx: RpContext, opts: { admin: string; accountId: number; reason: string; ticket?: string }): { accountId: number; locked: false } {
  const admin = requireAdmin(ctx, opts.admin, 'operator', 'admin.unlockAccount');
  const { reason, ticket } = requireLockReason(opts.reason, opts.ticket);
  return ctx.store.transaction(() => {
    const account = ctx.store.accounts.byId(opts.accountId);
    if (!account) throw new HarnessError('ACCOUNT_NOT_FOUND', 'no such account');
    // setLocked also zeroes failed_logins and failed_step_ups (core/store).
    ctx.store.accounts.setLocked(account.id, false);
    audit(ctx, { actor: `admin:${admin.name}`, action: 'admin.unlockAccount', outcome: 'success', accountId: account.id, details: { reason, ticket, wasLocked: account.locked, failedLogins: account.failedLogins, failedStepUps: account.failedStepUps, lockedUntil: account.lockedUntil } });
    return { accountId: account.id, locked: false as const };
  });
}
