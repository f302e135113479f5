import type { RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/** Recomputes the audit hash chain: `{ ok: false, brokenAt }` names the first row that was altered or removed. */
export function verifyAudit(ctx: RpContext, opts: { admin: string }): { ok: boolean; count: number; brokenAt?: number } {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.verifyAudit');
  return ctx.store.audit.verify();
}
