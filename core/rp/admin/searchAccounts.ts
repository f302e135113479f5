import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/** Viewer: accounts whose login ID, display name or a registered email contains `query` (LIKE, wildcards escaped), at most 200. */
export function searchAccounts(ctx: RpContext, opts: { admin: string; query: string; limit?: number }) {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.searchAccounts');
  if (typeof opts.query !== 'string' || opts.query.length > 128) throw new HarnessError('INVALID_INPUT', 'query must be a string');
  const limit = Math.min(Math.max(1, Number(opts.limit ?? 50) || 50), 200);
  return {
    accounts: ctx.store.accounts.search(opts.query, limit).map((a) => ({
      accountId: a.id,
      loginId: a.loginId,
      displayName: a.displayName,
      emails: ctx.store.emails.list(a.id).map((e) => e.address),
      locked: a.locked,
      // A timed lock the RP set itself (throttling after failed logins, or the step-up code lockout): until then every login is refused.
      lockedUntil: a.lockedUntil > ctx.clock.now() ? a.lockedUntil : null,
      failedLogins: a.failedLogins,
      passkeyCount: ctx.store.passkeys.countActive(a.id),
      otp: ctx.store.otp.get(a.id)?.status === 'active',
    })),
  };
}
