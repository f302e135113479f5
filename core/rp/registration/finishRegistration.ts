import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { HarnessError } from '../../errors.js';
import { bytesToHex, decodeAttestationObject, decodeCbor, equalBytes, type RegistrationResponseJSON } from '../../webauthn/index.js';
import { importCredentialKey } from '../authentication/verifyAssertionSignature.js';
import { toPasskeySummary, type PasskeySummary } from '../account/passkeySummary.js';
import { checkAttestationStatement } from '../attestation/checkAttestationStatement.js';
import { evaluateAttestation } from '../attestation/evaluateAttestation.js';
import { checkAuthData, checkClientData, checkCredentialIds, checkNotEnded, checkStillOpen, checkTokenBinding, consumeWithSuccess, failCeremony, openCeremony } from '../ceremony/ceremonyChecks.js';
import { ceremonyLabel, latestRegistration, type Ceremony } from '../ceremony/ceremonyHandle.js';
import { audit, type RpContext } from '../context.js';
import { b64, base64urlChars, passkeyName, requireObject } from '../input.js';
import { requireSession } from '../session/requireSession.js';
import { defaultPasskeyName, parseNameLocale, type PasskeyNameLocale } from './defaultPasskeyName.js';
import { queueRegistrationNotice, sendRegistrationNotice } from './sendRegistrationNotice.js';

const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

function uuid(bytes: Uint8Array): string {
  const h = bytesToHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A signed attestation statement (packed, fido-u2f, tpm, …): @simplewebauthn/server verifies it. */
async function verifyStatement(ctx: RpContext, response: RegistrationResponseJSON, ceremony: Ceremony): Promise<void> {
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: ctx.origins,
      expectedRPID: ctx.rpId,
      requireUserVerification: ceremony.userVerification === 'required',
      supportedAlgorithmIDs: ceremony.algorithms,
    });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new HarnessError(/signature/i.test(message) ? 'SIGNATURE_INVALID' : 'VERIFICATION_FAILED', `attestation verification failed: ${message}`, { cause });
  }
  if (!verification.verified) throw new HarnessError('SIGNATURE_INVALID', 'attestation signature did not verify');
}

/**
 * WebAuthn §7.1 (registering a new credential), seed step 6 → 7. Our structural checks come first
 * (specific codes), then @simplewebauthn/server verifies a signed attestation statement; the credential
 * ID's UNIQUE constraint decides races. A notice goes to the customer's addresses afterwards.
 */
export async function finishRegistration(
  ctx: RpContext,
  opts: {
    sessionId: string;
    /** The handle startRegistration returned; absent: the registration this session started last (in this process). */
    ceremonyId?: string;
    response: RegistrationResponseJSON;
    /** The customer's name for the passkey; absent or blank: a numbered default in `locale`. */
    name?: string;
    /** The language of that default name ('ja' when absent: 「パスキー N」; 'en': "Passkey N"). */
    locale?: PasskeyNameLocale;
  },
): Promise<{ passkey: PasskeySummary }> {
  const { session, account } = requireSession(ctx, opts.sessionId);
  // Before the ceremony is opened: a bad name or locale is the caller's input error and uses nothing up.
  const chosenName = passkeyName(opts.name);
  const locale = parseNameLocale(opts.locale);
  const actor = `customer:${account.loginId}`;
  // Audit rows name a ceremony by its label; a handle that does not open (hostile or mistyped) is labelled on the failure path.
  let ceremonyId: string | undefined;
  let pending: Ceremony | undefined;
  try {
    const handle = typeof opts.ceremonyId === 'string' ? opts.ceremonyId : latestRegistration(ctx, session.id);
    // The ceremony must belong to this session: one started by another session is not found (used or
    // not). Session row IDs come back after a logout (SQLite reuses the highest rowid), with the same
    // created_at within a millisecond, so the session's binding decides, not its row ID or age.
    const ceremony = openCeremony(
      ctx,
      handle,
      'registration',
      (c) => c.sessionId === session.id && c.accountId === account.id && c.sessionBinding !== undefined && equalBytes(c.sessionBinding, session.binding),
    );
    pending = ceremony;
    ceremonyId = ceremony.handle;
    checkNotEnded(ceremony, account);

    const response = requireObject(opts.response, 'response');
    const inner = requireObject(response.response, 'response.response');
    const { id, idBytes } = checkCredentialIds(response);
    const clientDataJSON = b64(inner.clientDataJSON, 'clientDataJSON', base64urlChars(ctx.policy.maxClientDataBytes));
    const clientData = checkClientData(ctx, clientDataJSON, 'webauthn.create', ceremony);
    // Size limit before any CBOR is parsed, then the strict decoder (no tags, no indefinite lengths, no trailing bytes).
    const attestationBytes = b64(inner.attestationObject, 'attestationObject', base64urlChars(ctx.policy.maxAttestationBytes));
    const attestation = decodeAttestationObject(attestationBytes);
    const authData = checkAuthData(ctx, attestation.authData, { requireUv: ceremony.userVerification === 'required' });
    const attested = authData.attestedCredentialData;
    if (!authData.flags.at || !attested) throw new HarnessError('AUTHDATA_MALFORMED', 'registration authenticatorData has no attested credential data');
    // §7.1 step 25 and the RP's part of step 22: the ID the client reports (1..1023 bytes, checkCredentialIds) is the ID the authenticator made.
    if (!equalBytes(attested.credentialId, idBytes)) throw new HarnessError('RAW_ID_MISMATCH', 'rawId differs from the credential ID inside authenticatorData');
    const coseMap = decodeCbor(attested.credentialPublicKey);
    const alg = coseMap instanceof Map ? coseMap.get(3) : undefined;
    // §7.1 step 20: the algorithm must be one of pubKeyCredParams.
    if (typeof alg !== 'number' || !ceremony.algorithms.includes(alg)) throw new HarnessError('ALGORITHM_NOT_ALLOWED', `algorithm ${String(alg)} was not offered`);
    // Decoded and imported once: the import serves this passkey's first login (verifyAssertionSignature's cache).
    const credential = await importCredentialKey(attested.credentialPublicKey);
    const credentialKey = credential.key;
    // The statement must agree with the credential key (checks the library does not make).
    const statement = checkAttestationStatement({ fmt: attestation.fmt, attStmt: attestation.attStmt, credentialKey });
    // A credential ID already registered: the UNIQUE constraint refuses it at insert (CREDENTIAL_EXISTS), which also decides races.

    if (attestation.fmt === 'none') {
      // No statement to verify. Every check verifyRegistrationResponse makes for fmt none is made
      // above (id = rawId, type, clientData type/challenge/origin, rpIdHash, UP/UV, attested data,
      // a numeric alg that was offered, an empty attStmt) or here (tokenBinding); the library's
      // WebCrypto hashing on the thread pool cost ≈ 1.1 ms of a 1.8 ms finishRegistration.
      // test/hardening/registrationDifferential.test.ts: ours never accepts what it refuses.
      checkTokenBinding(clientData, ['present', 'supported', 'not-supported']);
    } else {
      await verifyStatement(ctx, opts.response, ceremony);
    }

    const aaguid = uuid(attested.aaguid);
    // §7.1 steps 22–23: is the attestation trustworthy under this RP's policy?
    const trust = await evaluateAttestation(ctx, { fmt: attestation.fmt, statement, aaguid, alg });
    const transports = Array.isArray(inner.transports) ? inner.transports.filter((t): t is string => typeof t === 'string' && TRANSPORTS.has(t)) : [];
    const name = chosenName ?? defaultPasskeyName(locale, ctx.store.passkeys.countAll(account.id) + 1);
    const now = ctx.clock.now();
    // One transaction: the challenge is consumed, the credential stored, the success audited and
    // (with the outbox) the notice queued together.
    const notice = { accountId: account.id, displayName: account.displayName, passkeyName: name, actor };
    const { passkey, queued } = ctx.store.transaction(() => {
      consumeWithSuccess(ctx, ceremony, now);
      checkStillOpen(ctx, ceremony, account.id);
      // A logout while the attestation was checked ends the registration too, even if a new session took the row ID.
      const live = ctx.store.sessions.byId(session.id);
      if (!live || live.accountId !== account.id || !equalBytes(live.binding, session.binding)) throw new HarnessError('AUTH_REQUIRED', 'session has ended');
      const passkey = ctx.store.passkeys.insert({
        accountId: account.id,
        credentialId: id,
        publicKey: attested.credentialPublicKey,
        alg,
        name,
        aaguid,
        transports,
        backupEligible: authData.flags.be,
        backupState: authData.flags.bs,
        userVerified: authData.flags.uv,
        counter: authData.signCount,
        fmt: attestation.fmt,
        attestation: trust,
        createdAt: now,
      });
      audit(ctx, {
        actor,
        action: 'registration.finish',
        outcome: 'success',
        accountId: account.id,
        details: {
          ceremonyId,
          passkeyId: passkey.id,
          credentialId: id,
          aaguid,
          fmt: attestation.fmt,
          alg,
          be: authData.flags.be,
          bs: authData.flags.bs,
          uv: authData.flags.uv,
          // Flat, so a scenario's audit expectation can match them.
          attestationType: trust.type,
          attestationPolicy: trust.policy,
          trustPath: trust.trustPath,
          authenticatorStatus: trust.metadata?.status ?? null,
        },
      });
      return { passkey, queued: queueRegistrationNotice(ctx, notice) };
    });
    credential.remember(ctx, passkey.id);
    if (!queued) await sendRegistrationNotice(ctx, notice);
    return { passkey: toPasskeySummary(passkey) };
  } catch (error) {
    failCeremony(ctx, pending, error, { actor, action: 'registration.finish', accountId: account.id, details: { ceremonyId: ceremonyId ?? (typeof opts.ceremonyId === 'string' ? ceremonyLabel(opts.ceremonyId) : null) } });
  }
}
