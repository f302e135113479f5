import { HarnessError } from '../../errors.js';
import { checkAuthenticatorStatus } from '../attestation/checkAuthenticatorStatus.js';
import type { AccountRow, PasskeyRow } from '../../store/index.js';
import { equalBytes, fromBase64url, type AuthenticationResponseJSON } from '../../webauthn/index.js';
import { checkAuthData, checkClientData, checkCredentialIds, checkNotEnded, checkStillOpen, checkTokenBinding, consumeWithSuccess, failCeremony, openCeremony } from '../ceremony/ceremonyChecks.js';
import { ceremonyLabel } from '../ceremony/ceremonyHandle.js';
import { audit, type RpContext } from '../context.js';
import { b64, base64urlChars, requireObject } from '../input.js';
import { hashToken, newToken } from '../session/sessionToken.js';
import { forgetPublicKey, spendLikeAVerification, verifyAssertionSignature } from './verifyAssertionSignature.js';

/**
 * WebAuthn §7.2 (verifying an authentication assertion). The challenge is single use: consumed in the
 * one transaction that moves the counter (compare-and-swap), opens the session and audits the login,
 * or, on any failure, with the failure's audit row; a replayed assertion fails.
 */
export async function finishLogin(
  ctx: RpContext,
  opts: { ceremonyId: string; response: AuthenticationResponseJSON },
): Promise<{ sessionId: string; accountId: number; loginId: string; displayName: string; passkeyId: number; counter: number; userVerified: boolean }> {
  let actor = 'anonymous';
  let accountId: number | null = null;
  let passkey: PasskeyRow | undefined;
  let pending: ReturnType<typeof openCeremony> | undefined;
  try {
    if (typeof opts.ceremonyId !== 'string') throw new HarnessError('CHALLENGE_NOT_FOUND', 'ceremonyId is required');
    const ceremony = openCeremony(ctx, opts.ceremonyId, 'authentication');
    pending = ceremony;
    if (ceremony.loginId) actor = `customer:${ceremony.loginId}`;

    const response = requireObject(opts.response, 'response');
    const inner = requireObject(response.response, 'response.response');
    const { id } = checkCredentialIds(response);
    // Everything that does not depend on the credential first (§7.2 steps 7–17), and every check that
    // does only after its signature verified (steps 20–21): someone without the private key must learn
    // nothing from the answer about whether a login ID has a passkey (issue 11 item 6: fake options).
    const clientDataJSON = b64(inner.clientDataJSON, 'clientDataJSON', base64urlChars(ctx.policy.maxClientDataBytes));
    const clientData = checkClientData(ctx, clientDataJSON, 'webauthn.get', ceremony);
    checkTokenBinding(clientData, ['present', 'supported', 'notSupported']);
    const authDataBytes = b64(inner.authenticatorData, 'authenticatorData', base64urlChars(ctx.policy.maxAttestationBytes));
    const authData = checkAuthData(ctx, authDataBytes, { requireUv: ceremony.userVerification === 'required' });
    // §6.1: AT is set only when an authenticator creates a credential; an assertion carrying attested
    // credential data (another key, say) is not one any authenticator sends, and stricter RPs refuse it.
    if (authData.flags.at) throw new HarnessError('AUTHDATA_FLAGS_INCONSISTENT', 'an assertion must not carry attested credential data (AT is set)');
    const signature = b64(inner.signature, 'signature', 2048);

    // §7.2 steps 5–6: the credential must be known, and in a username-first ceremony it must be that user's.
    passkey = ctx.store.passkeys.byCredentialId(id);
    if (!passkey || (ceremony.loginId !== null && passkey.accountId !== ceremony.accountId)) {
      const unknown = new HarnessError('CREDENTIAL_UNKNOWN', 'this passkey is not registered here');
      // Discoverable: the client named the credential itself, and the page may signal it away.
      if (ceremony.loginId === null) throw unknown;
      // Username-first: answered exactly as a registered passkey with a bad signature would be
      // (after a verification of the same cost); the audit row keeps the real cause.
      spendLikeAVerification(clientDataJSON, authDataBytes, signature);
      throw new HarnessError('SIGNATURE_INVALID', 'assertion signature did not verify', { cause: unknown });
    }
    const account: AccountRow = ctx.store.accounts.byId(passkey.accountId)!;
    accountId = account.id;
    actor = `customer:${account.loginId}`;
    // §7.2 steps 20–21, with a per-passkey imported key (verifyAssertionSignature.ts lists the library checks it keeps).
    await verifyAssertionSignature(ctx, {
      passkey,
      clientData,
      clientDataJSON,
      authData: authDataBytes,
      signature,
      response: opts.response,
      challenge: ceremony.challenge,
      requireUserVerification: ceremony.userVerification === 'required',
    });

    checkNotEnded(ceremony, account);
    if (passkey.revokedAt !== null) {
      forgetPublicKey(ctx, passkey.id);
      throw new HarnessError('PASSKEY_REVOKED', 'this passkey was revoked');
    }
    if (account.locked) throw new HarnessError('ACCOUNT_LOCKED', 'account is locked');
    // §7.2 step 6: userHandle, when present, must be the account's; a discoverable ceremony needs it.
    if (inner.userHandle !== undefined && inner.userHandle !== null) {
      if (typeof inner.userHandle !== 'string') throw new HarnessError('USER_HANDLE_MISMATCH', 'userHandle must be a base64url string');
      let handle: Uint8Array;
      try {
        handle = fromBase64url(inner.userHandle, 'userHandle');
      } catch (cause) {
        throw new HarnessError('USER_HANDLE_MISMATCH', 'userHandle is not base64url', { cause });
      }
      if (!equalBytes(handle, account.userHandle)) throw new HarnessError('USER_HANDLE_MISMATCH', 'userHandle does not belong to this credential');
    } else if (ceremony.loginId === null) {
      throw new HarnessError('USER_HANDLE_MISMATCH', 'a discoverable login must return the userHandle');
    }
    // §7.2 step 19: BE is fixed at creation; a change means a different authenticator.
    if (authData.flags.be !== passkey.backupEligible) throw new HarnessError('BACKUP_FLAGS_INVALID', 'the backup-eligible flag changed since registration');

    // §7.2 step 21: a counter that does not increase (unless both are 0) signals a possible clone.
    const stored = passkey.counter;
    const next = authData.signCount;
    if ((next !== 0 || stored !== 0) && next <= stored) {
      audit(ctx, { actor, action: 'login.clone-suspected', outcome: 'failure', code: 'COUNTER_REGRESSION', accountId, details: { passkeyId: passkey.id, stored, received: next } });
      throw new HarnessError('COUNTER_REGRESSION', `signature counter ${next} did not increase past ${stored}: possible cloned authenticator`);
    }
    // Metadata policy: the model's status now (a revocation after registration is recorded, warned about or refused).
    const model = await checkAuthenticatorStatus(ctx, passkey);
    const sessionId = newToken(ctx);
    const now = ctx.clock.now();
    const pk = passkey;
    ctx.store.transaction(() => {
      consumeWithSuccess(ctx, ceremony, now);
      checkStillOpen(ctx, ceremony, account.id);
      if (!ctx.store.passkeys.updateCounter(pk.id, stored, next, now, { backupState: authData.flags.bs })) {
        // The row changed while the assertion was checked: revoked by an operator, or another login counted first.
        if (ctx.store.passkeys.byId(pk.id)?.revokedAt != null) throw new HarnessError('PASSKEY_REVOKED', 'this passkey was revoked');
        throw new HarnessError('COUNTER_REGRESSION', 'another login moved the counter first');
      }
      // §6.1.3: BS may change over a credential's life (sync turned on or off); the stored flag follows, and support sees when.
      if (authData.flags.bs !== pk.backupState) {
        audit(ctx, { actor, action: 'passkey.backup-state', outcome: 'success', accountId: account.id, details: { passkeyId: pk.id, be: authData.flags.be, from: { bs: pk.backupState }, to: { bs: authData.flags.bs } } });
      }
      ctx.store.sessions.create({ tokenHash: hashToken(sessionId), accountId: account.id, now });
      const statusDetails = model ? { authenticatorStatus: model.status, ...(model.unavailable ? { metadataUnavailable: model.unavailable } : {}) } : {};
      audit(ctx, { actor, action: 'login.passkey', outcome: 'success', accountId: account.id, details: { ceremonyId: ceremony.handle, passkeyId: pk.id, counter: next, uv: authData.flags.uv, ...statusDetails } });
      if (model?.rejected && ctx.policy.revokedModelAtLogin === 'warn') {
        audit(ctx, { actor, action: 'login.authenticator-warning', outcome: 'success', code: 'AUTHENTICATOR_STATUS_REJECTED', accountId: account.id, details: { passkeyId: pk.id, aaguid: pk.aaguid, status: model.status } });
      }
    });
    return { sessionId, accountId: account.id, loginId: account.loginId, displayName: account.displayName, passkeyId: pk.id, counter: next, userVerified: authData.flags.uv };
  } catch (error) {
    // A masked refusal (unknown credential answered as SIGNATURE_INVALID) is audited with its real cause.
    const cause = error instanceof HarnessError && error.cause instanceof HarnessError ? { cause: error.cause.code } : {};
    failCeremony(ctx, pending, error, { actor, action: 'login.passkey', accountId, details: { ceremonyId: typeof opts.ceremonyId === 'string' ? ceremonyLabel(opts.ceremonyId) : null, passkeyId: passkey?.id ?? null, ...cause } });
  }
}
