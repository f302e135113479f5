import type { AuditVerification } from '../../store/index.js';
import type { RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/**
 * Recomputes the audit hash chain and holds its head against the signed checkpoint and the sidecar:
 * `{ ok: false, brokenAt, missing, problems }` names the first row altered or removed, how many rows
 * were deleted (the newest ones included), and what was found, in words.
 */
export function verifyAudit(ctx: RpContext, opts: { admin: string }): AuditVerification {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.verifyAudit');
  return ctx.store.audit.verify();
}
