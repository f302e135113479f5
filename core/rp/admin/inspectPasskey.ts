import { HarnessError } from '../../errors.js';
import { coseAlgName, isCoseAlg, toBase64url } from '../../webauthn/index.js';
import type { RpContext } from '../context.js';
import { toPasskeySummary, type PasskeySummary } from '../account/passkeySummary.js';
import { requireAdmin } from './requireAdmin.js';

/** One passkey decoded for support: authenticator name, flags, counter, transports, attestation format. */
export function inspectPasskey(
  ctx: RpContext,
  opts: { admin: string; passkeyId: number },
): PasskeySummary & { accountId: number; algName: string; flags: { uv: boolean; be: boolean; bs: boolean }; publicKeyCose: string; revokeReason: string | null; revokeTicket: string | null } {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.inspectPasskey');
  const p = ctx.store.passkeys.byId(opts.passkeyId);
  if (!p) throw new HarnessError('PASSKEY_NOT_FOUND', 'no such passkey');
  return {
    ...toPasskeySummary(p),
    accountId: p.accountId,
    algName: isCoseAlg(p.alg) ? coseAlgName(p.alg) : String(p.alg),
    flags: { uv: p.userVerified, be: p.backupEligible, bs: p.backupState },
    publicKeyCose: toBase64url(p.publicKey),
    revokeReason: p.revokeReason,
    revokeTicket: p.revokeTicket,
  };
}
