import { toBase64url } from '../../webauthn/index.js';
import type { RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';

/**
 * What the customer's pages hand to the WebAuthn Signal API after sign-in, so the customer's
 * passkey providers can drop passkeys this RP no longer accepts (revoked by support, deleted)
 * and show the current name: `signalAllAcceptedCredentials` and `signalCurrentUserDetails`.
 */
export function listSignalData(ctx: RpContext, opts: { sessionId: string }) {
  const { account } = requireSession(ctx, opts.sessionId);
  return {
    rpId: ctx.rpId,
    userId: toBase64url(account.userHandle),
    name: account.loginId,
    displayName: account.displayName,
    acceptedCredentialIds: ctx.store.passkeys.listForAccount(account.id).map((p) => p.credentialId),
  };
}
