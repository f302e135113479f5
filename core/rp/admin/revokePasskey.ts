import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireAdmin, requireReason } from './requireAdmin.js';

/** Operator: revoke one passkey. The audit row, the revocation and the end of the account's sessions and open ceremonies commit together. */
export function revokePasskey(ctx: RpContext, opts: { admin: string; passkeyId: number; reason: string; ticket: string }): { passkeyId: number; revokedAt: number } {
  const admin = requireAdmin(ctx, opts.admin, 'operator', 'admin.revokePasskey');
  const { reason, ticket } = requireReason(opts.reason, opts.ticket);
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    const p = ctx.store.passkeys.byId(opts.passkeyId);
    if (!p) throw new HarnessError('PASSKEY_NOT_FOUND', 'no such passkey');
    if (!ctx.store.passkeys.revoke(p.id, { now, reason, ticket })) throw new HarnessError('PASSKEY_REVOKED', 'this passkey is already revoked');
    ctx.store.accounts.endCeremonies(p.accountId);
    const sessions = ctx.store.sessions.deleteForAccount(p.accountId);
    audit(ctx, { actor: `admin:${admin.name}`, action: 'admin.revokePasskey', outcome: 'success', accountId: p.accountId, details: { passkeyId: p.id, credentialId: p.credentialId, reason, ticket, sessionsEnded: sessions, openCeremoniesEnded: true } });
    return { passkeyId: p.id, revokedAt: now };
  });
}
