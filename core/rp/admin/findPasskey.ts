import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';
import { toPasskeySummary, type PasskeySummary } from '../account/passkeySummary.js';
import { requireAdmin } from './requireAdmin.js';

/** Viewer: one passkey by its credential ID (base64url), revoked or not, with the account it belongs to. One indexed lookup (credential_id is UNIQUE). */
export function findPasskey(ctx: RpContext, opts: { admin: string; credentialId: string }): PasskeySummary & { accountId: number; loginId: string } {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.findPasskey');
  const p = typeof opts.credentialId === 'string' ? ctx.store.passkeys.byCredentialId(opts.credentialId) : undefined;
  const account = p && ctx.store.accounts.byId(p.accountId);
  if (!p || !account) throw new HarnessError('PASSKEY_NOT_FOUND', `no passkey with credential ID ${String(opts.credentialId)}`);
  return { ...toPasskeySummary(p), accountId: account.id, loginId: account.loginId };
}
