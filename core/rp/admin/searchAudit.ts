import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/**
 * Viewer: one page of the audit log, newest first, filtered by actor (contains), action (starts
 * with), account and time range [`from`, `to`) in epoch ms; `total` counts all matches.
 */
export function searchAudit(ctx: RpContext, opts: { admin: string; actor?: string; action?: string; accountId?: number; from?: number; to?: number; offset?: number; limit?: number }) {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.searchAudit');
  for (const key of ['actor', 'action'] as const) {
    const v = opts[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > 128)) throw new HarnessError('INVALID_INPUT', `${key} must be a string of at most 128 characters`);
  }
  for (const key of ['from', 'to'] as const) {
    const v = opts[key];
    if (v !== undefined && !Number.isFinite(v)) throw new HarnessError('INVALID_INPUT', `${key} must be a time in epoch milliseconds`);
  }
  const limit = Math.min(Math.max(1, Math.trunc(Number(opts.limit ?? 50)) || 50), 500);
  const offset = Math.max(0, Math.trunc(Number(opts.offset ?? 0)) || 0);
  const { rows, total } = ctx.store.audit.search({
    ...(opts.actor ? { actor: opts.actor } : {}),
    ...(opts.action ? { action: opts.action } : {}),
    ...(opts.accountId !== undefined ? { accountId: opts.accountId } : {}),
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    offset,
    limit,
  });
  return {
    total,
    offset,
    limit,
    entries: rows.map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action, outcome: e.outcome, code: e.code, accountId: e.accountId, details: e.details, hash: e.hash })),
  };
}
