import { HarnessError } from '../errors.js';
import { buildAuthenticatorData, concatBytes, equalBytes, sha256 } from '../webauthn/index.js';
import { privateKeyFor, signWith, type AuthenticatorContext } from './context.js';
import type { StoredCredential } from './credentials.js';
import { corruptIfAsked, flipLastByte, type AuthenticatorFaults } from './faults.js';
import { authorizeLocally, type UserVerificationRequirement } from './localAuth.js';

export interface GetAssertionOptions {
  rpId: string;
  /** SHA-256 of clientDataJSON. */
  clientDataHash: Uint8Array;
  /** Empty or absent: discoverable credentials only (CTAP2 §6.2.2 step 7). */
  allowList?: readonly Uint8Array[];
  userVerification?: UserVerificationRequirement;
  /** Which of several matching credentials the user picks (default: allowList order, else newest). */
  credentialId?: Uint8Array;
  /** Faults for this call only, instead of the authenticator's (a client's per-ceremony faults). */
  faults?: AuthenticatorFaults;
}

export interface GetAssertionResult {
  credentialId: Uint8Array;
  authenticatorData: Uint8Array;
  signature: Uint8Array;
  /** Returned for discoverable credentials (CTAP2 §6.2 response member `user`). */
  userHandle: Uint8Array | null;
  authenticatorAttachment: 'platform' | 'cross-platform';
  signCount: number;
}

const rpIdHashes = new Map<string, Uint8Array>();

function rpIdHashOf(rpId: string): Uint8Array {
  let hash = rpIdHashes.get(rpId);
  if (!hash) {
    hash = sha256(new TextEncoder().encode(rpId));
    if (rpIdHashes.size > 1000) rpIdHashes.clear();
    rpIdHashes.set(rpId, hash);
  }
  return hash;
}

/** A u32 in authData (WebAuthn §6.1, bytes 33–36). */
const MAX_SIGN_COUNT = 0xffffffff;

/**
 * The count the phone keeps for this credential after one more assertion, by the profile's policy.
 * One counter per credential (WebAuthn §6.1.1 SHOULD): a global one would let RPs correlate the phone.
 * At 2^32 − 1 it saturates instead of wrapping: a 0 after a non-zero count reads as a clone rolled
 * back (§7.2 step 21) and as "no counter" (§6.1.1); a stuck maximum is refused too, but truthfully.
 */
function nextCounter(ctx: AuthenticatorContext, credential: StoredCredential): number {
  switch (ctx.profile.counterPolicy) {
    case 'zero':
      return 0;
    case 'regress':
      return Math.max(credential.signCount - 1, 0);
    default:
      return Math.min(credential.signCount + 1, MAX_SIGN_COUNT);
  }
}

/**
 * The count sent. counterRegression goes below what the RP stored, by construction: the phone's own
 * count may have moved on through ceremonies the RP refused, so one less than that could still be above it.
 */
function sentCounter(faults: AuthenticatorFaults, credential: StoredCredential, counted: number): number {
  return faults.counterRegression ? Math.max((credential.acceptedSignCount ?? credential.signCount) - 1, 0) : counted;
}

/** CTAP2 authenticatorGetAssertion (§6.2). */
export async function getAssertion(ctx: AuthenticatorContext, options: GetAssertionOptions): Promise<GetAssertionResult> {
  const { profile } = ctx;
  const faults = options.faults ?? ctx.faults;
  const { rpId, clientDataHash, allowList = [], userVerification = 'preferred' } = options;
  if (clientDataHash.length !== 32) throw new HarnessError('INVALID_INPUT', 'clientDataHash must be 32 bytes');

  let candidates: StoredCredential[];
  if (allowList.length > 0) {
    candidates = [];
    for (const id of allowList) {
      const found = ctx.credentials.get(id);
      if (found && found.rpId === rpId) candidates.push(found);
    }
  } else {
    candidates = ctx.credentials
      .list({ rpId })
      .filter((c) => c.discoverable)
      .sort((a, b) => b.createdAt - a.createdAt);
  }
  if (options.credentialId) candidates = candidates.filter((c) => equalBytes(c.id, options.credentialId!));
  const credential = candidates[0];
  // The browser shows nothing and eventually rejects with NotAllowedError (CTAP2_ERR_NO_CREDENTIALS).
  if (!credential) throw new HarnessError('NOT_ALLOWED', `no credential for ${rpId} on ${profile.label}`, { details: { reason: 'no-credentials' } });

  const { up, uv } = await authorizeLocally(ctx.localAuth, {
    ceremony: 'get',
    rpId,
    ...(credential.userName ? { userName: credential.userName } : {}),
    userVerification,
    profile,
  });

  const counted = nextCounter(ctx, credential);
  const signCount = sentCounter(faults, credential, counted);
  const rpIdHash = rpIdHashOf(rpId);
  let authenticatorData = buildAuthenticatorData({
    rpIdHash: faults.wrongRpIdHash ? flipLastByte(rpIdHash) : rpIdHash,
    flags: { up: up && !faults.clearUp, uv: uv && !faults.clearUv, be: profile.backupEligible, bs: profile.backupState !== Boolean(faults.flipBackupState) },
    signCount,
  });
  // An unterminated extensions map behind a set ED flag: CBOR no parser can finish.
  if (faults.malformedCbor) {
    authenticatorData = concatBytes(authenticatorData, Uint8Array.of(0xa1, 0x63));
    authenticatorData[32] = authenticatorData[32]! | 0x80;
  }
  // WebAuthn §6.3.3 step 11: sign authenticatorData ‖ clientDataHash.
  const signature = corruptIfAsked(faults, signWith(privateKeyFor(ctx, credential), concatBytes(authenticatorData, clientDataHash)));

  // The phone keeps the count it sent, a regressed one too: like a clone, its counter then lags behind
  // what the RP accepted, and its next clean logins are refused until it counts past it
  // (examples/scenarios/21-fault-counter-regression.yaml).
  ctx.credentials.updateUsage(credential.id, { signCount, lastUsedAt: ctx.clock.now() });
  return {
    credentialId: credential.id,
    authenticatorData,
    signature,
    userHandle: credential.discoverable && credential.userHandle ? credential.userHandle : null,
    authenticatorAttachment: profile.attachment,
    signCount,
  };
}
