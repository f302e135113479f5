import { HarnessError } from '../../errors.js';
import { MAX_CREDENTIAL_ID_CHARS } from '../../webauthn/credentialIdLimits.js';
import { audit, auditFailure, type RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';

/**
 * The customer deletes one of their own passkeys. It is revoked (not erased), so support still
 * sees it with the reason "deleted by the customer" and who did it; the revocation and its audit
 * row commit together. The pages then tell the passkey provider (WebAuthn Signal API).
 */
export function deletePasskey(ctx: RpContext, opts: { sessionId: string; credentialId: string }): { credentialId: string; deletedAt: number } {
  const { account } = requireSession(ctx, opts.sessionId);
  const actor = `customer:${account.loginId}`;
  const now = ctx.clock.now();
  try {
    if (typeof opts.credentialId !== 'string' || opts.credentialId.length === 0 || opts.credentialId.length > MAX_CREDENTIAL_ID_CHARS) throw new HarnessError('INVALID_INPUT', 'credentialId is required');
    return ctx.store.transaction(() => {
      const p = ctx.store.passkeys.byCredentialId(opts.credentialId);
      // Another account's passkey answers as an unknown one: no probing other customers' credentials.
      if (!p || p.accountId !== account.id) throw new HarnessError('PASSKEY_NOT_FOUND', 'no such passkey on this account');
      if (!ctx.store.passkeys.revoke(p.id, { now, reason: 'deleted by the customer', ticket: '' })) throw new HarnessError('PASSKEY_REVOKED', 'this passkey was already revoked');
      audit(ctx, { actor, action: 'passkey.delete', outcome: 'success', accountId: account.id, details: { passkeyId: p.id, credentialId: p.credentialId } });
      return { credentialId: p.credentialId, deletedAt: now };
    });
  } catch (error) {
    auditFailure(ctx, error, { actor, action: 'passkey.delete', accountId: account.id, details: { credentialId: String(opts.credentialId).slice(0, MAX_CREDENTIAL_ID_CHARS) } });
  }
}
