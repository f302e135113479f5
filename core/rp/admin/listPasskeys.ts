import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { toPasskeySummary, type PasskeySummary } from '../account/passkeySummary.js';
import { requireAdmin } from './requireAdmin.js';

/** Every passkey of the account, revoked ones included (support needs the history). */
export function listPasskeys(ctx: RpContext, opts: { admin: string; accountId: number }): { passkeys: PasskeySummary[] } {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.listPasskeys');
  if (!ctx.store.accounts.byId(opts.accountId)) throw new HarnessError('ACCOUNT_NOT_FOUND', 'no such account');
  return { passkeys: ctx.store.passkeys.listForAccount(opts.accountId, { includeRevoked: true }).map(toPasskeySummary) };
}
