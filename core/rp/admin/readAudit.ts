import type { RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/** The audit log, oldest first from `afterId`. Details are returned as stored; escape them when displaying. */
export function readAudit(ctx: RpContext, opts: { admin: string; accountId?: number; afterId?: number; limit?: number }) {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.readAudit');
  const limit = Math.min(Math.max(1, Number(opts.limit ?? 100) || 100), 1000);
  return {
    entries: ctx.store.audit
      .list({ ...(opts.accountId !== undefined ? { accountId: opts.accountId } : {}), ...(opts.afterId !== undefined ? { afterId: opts.afterId } : {}), limit })
      .map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action, outcome: e.outcome, code: e.code, accountId: e.accountId, details: e.details, hash: e.hash })),
  };
}
