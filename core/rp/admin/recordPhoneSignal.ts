import { HarnessError } from '../../errors.js';
import { fromBase64url } from '../../webauthn/index.js';
import { audit, type RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

export const PHONE_SIGNALS = ['unknownCredential', 'allAcceptedCredentials', 'currentUserDetails'] as const;

/**
 * Records that a harness phone honoured a WebAuthn Signal API call from this RP's pages
 * (`PublicKeyCredential.signal*`): which signal, which credentials it hid, for which account
 * (by the signal's user handle when it carries one). The phone acted, so the phone is the actor;
 * the console admin who runs it is kept in the details.
 */
export function recordPhoneSignal(
  ctx: RpContext,
  opts: { admin: string; phone: string; signal: (typeof PHONE_SIGNALS)[number]; rpId: string; userHandle?: string; removedCredentialIds: string[]; details?: Record<string, unknown> },
): { recorded: true; accountId: number | null } {
  const admin = requireAdmin(ctx, opts.admin, 'operator', 'admin.recordPhoneSignal');
  if (!PHONE_SIGNALS.includes(opts.signal)) throw new HarnessError('INVALID_INPUT', 'unknown signal');
  let accountId: number | null = null;
  if (opts.userHandle) accountId = ctx.store.accounts.byUserHandle(fromBase64url(opts.userHandle, 'userHandle'))?.id ?? null;
  if (accountId === null && opts.removedCredentialIds.length) accountId = ctx.store.passkeys.byCredentialId(opts.removedCredentialIds[0]!)?.accountId ?? null;
  ctx.store.transaction(() =>
    audit(ctx, {
      actor: `phone:${opts.phone}`,
      action: `phone.signal.${opts.signal}`,
      outcome: 'success',
      accountId,
      details: { rpId: opts.rpId, removedCredentialIds: opts.removedCredentialIds, by: `admin:${admin.name}`, ...opts.details },
    }),
  );
  return { recorded: true, accountId };
}
