import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/** Viewer: a customer's live sessions, newest first (never the token hash: support sees when, not what). */
export function listSessions(ctx: RpContext, opts: { admin: string; accountId: number }) {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.listSessions');
  const account = ctx.store.accounts.byId(opts.accountId);
  if (!account) throw new HarnessError('ACCOUNT_NOT_FOUND', 'no such account');
  return {
    sessions: ctx.store.sessions.listForAccount(account.id).map((s) => ({
      sessionId: s.id,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      stepUpAt: s.stepUpAt,
      stepUpMethod: s.stepUpMethod,
    })),
  };
}
