import { HarnessError } from '../../errors.js';
import type { PublicKeyCredentialCreationOptionsJSON } from '../../webauthn/index.js';
import { ATTESTATION_CONVEYANCES, type AttestationConveyance } from '../attestation/types.js';
import { rememberLatestRegistration } from '../ceremony/ceremonyHandle.js';
import { creationOptions } from '../ceremony/ceremonyOptions.js';
import { issueChallenge, SUPPORTED_ALGORITHMS } from '../ceremony/issueChallenge.js';
import { audit, type RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';
import { isStepUpFresh } from '../stepUp/isStepUpFresh.js';

type UserVerification = 'required' | 'preferred' | 'discouraged';

/** Seed step 5 → 6: creation options, only for a session whose step-up is fresh (≤ 5 minutes). */
export async function startRegistration(
  ctx: RpContext,
  opts: { sessionId: string; attestation?: AttestationConveyance; userVerification?: UserVerification; authenticatorAttachment?: 'platform' | 'cross-platform' },
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const { session, account } = requireSession(ctx, opts.sessionId);
  const actor = `customer:${account.loginId}`;
  if (!isStepUpFresh(ctx, session, 'passkey-registration')) {
    audit(ctx, { actor, action: 'registration.start', outcome: 'failure', code: 'STEP_UP_REQUIRED', accountId: account.id });
    throw new HarnessError('STEP_UP_REQUIRED', 'confirm with an email code or one-time password first');
  }
  // §5.4.7 conveyance: the caller's choice, else the RP's configured one.
  const attestation = opts.attestation ?? ctx.policy.attestation;
  if (!ATTESTATION_CONVEYANCES.includes(attestation)) throw new HarnessError('INVALID_INPUT', `attestation must be one of ${ATTESTATION_CONVEYANCES.join(', ')}`);
  const requested = opts.userVerification ?? ctx.policy.userVerification;
  if (!['required', 'preferred', 'discouraged'].includes(requested)) throw new HarnessError('INVALID_INPUT', 'userVerification is not valid');
  const userVerification: UserVerification = ctx.policy.userVerification === 'required' ? 'required' : requested;
  const options = creationOptions({
    rpName: ctx.rpName,
    rpId: ctx.rpId,
    user: { id: account.userHandle, name: account.loginId, displayName: account.displayName },
    challenge: ctx.secrets.bytes(32),
    timeout: ctx.policy.challengeTtlMs,
    attestation,
    // §5.4.3: the authenticator must not create a second credential for this account on the same device.
    excludeCredentials: ctx.store.passkeys.descriptorsForAccount(account.id),
    residentKey: 'preferred',
    userVerification,
    ...(opts.authenticatorAttachment ? { authenticatorAttachment: opts.authenticatorAttachment } : {}),
    algorithms: SUPPORTED_ALGORITHMS,
  });
  // §7.1 step 20 checks the credential's algorithm against exactly these pubKeyCredParams.
  const started = issueChallenge(ctx, {
    options,
    purpose: 'registration',
    binding: { sessionId: session.id, sessionBinding: session.binding, accountId: account.id, loginId: null, epoch: account.ceremonyEpoch },
    userVerification,
    algorithms: options.pubKeyCredParams.map((p) => p.alg),
    audit: { actor, action: 'registration.start', details: { attestation, userVerification } },
  });
  rememberLatestRegistration(ctx, session.id, started.ceremonyId);
  return started;
}
