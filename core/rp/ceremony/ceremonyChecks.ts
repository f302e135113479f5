import { HarnessError } from '../../errors.js';
import type { AccountRow } from '../../store/index.js';
import { equalBytes, FLAG, fromBase64url, parseAuthenticatorData, parseClientDataJSON, sha256, type ClientData, type ParsedAuthenticatorData } from '../../webauthn/index.js';
import { MAX_CREDENTIAL_ID_BYTES } from '../../webauthn/credentialIdLimits.js';
import { auditFailure, type RpContext } from '../context.js';
import { openSealedCeremony, type Ceremony } from './ceremonyHandle.js';

/**
 * The cheap structural checks of WebAuthn §7.1/§7.2 that we run ourselves, before
 * @simplewebauthn/server, so every failure carries a specific code instead of a parsed message.
 */

/** id and rawId are the same base64url string; the credential ID is 1..1023 bytes (WebAuthn §7.1 step 25, §5.1). */
export function checkCredentialIds(response: Record<string, unknown>): { id: string; idBytes: Uint8Array } {
  if (response.type !== 'public-key') throw new HarnessError('INVALID_INPUT', 'credential type must be "public-key"');
  if (typeof response.id !== 'string' || typeof response.rawId !== 'string') throw new HarnessError('CREDENTIAL_ID_INVALID', 'id and rawId must be base64url strings');
  if (response.id !== response.rawId) throw new HarnessError('RAW_ID_MISMATCH', 'rawId does not equal id');
  let idBytes: Uint8Array;
  try {
    idBytes = fromBase64url(response.id, 'credential id');
  } catch (cause) {
    throw new HarnessError('CREDENTIAL_ID_INVALID', 'credential id is not base64url', { cause });
  }
  if (idBytes.length < 1 || idBytes.length > MAX_CREDENTIAL_ID_BYTES) throw new HarnessError('CREDENTIAL_ID_INVALID', `credential id is ${idBytes.length} bytes; allowed 1..${MAX_CREDENTIAL_ID_BYTES}`);
  return { id: response.id, idBytes };
}

/**
 * Single use, checked first: an unknown (or altered) handle, one of another purpose or not the
 * caller's (`belongs`), a used or expired ceremony ends here. The ceremony is recorded as used later, by `consumeWithSuccess` inside
 * the transaction that records the outcome (credential stored, counter moved) or by `failCeremony`
 * with the failure's audit row: every attempt uses it up, whatever its outcome, and a crash records
 * nothing it did not also commit.
 */
export function openCeremony(ctx: RpContext, handle: unknown, purpose: Ceremony['purpose'], belongs: (ceremony: Ceremony) => boolean = () => true): Ceremony {
  const ceremony = openSealedCeremony(ctx, handle);
  // Whose it is before whether it was used or has expired: a party it does not belong to learns nothing about it.
  if (!ceremony || ceremony.purpose !== purpose || !belongs(ceremony)) throw new HarnessError('CHALLENGE_NOT_FOUND', 'no such ceremony: start again');
  if (ctx.store.ceremonies.usedAt(ceremony.handle) !== undefined) throw new HarnessError('CHALLENGE_REPLAYED', 'this challenge was already used');
  if (ctx.clock.now() > ceremony.expiresAt) throw new HarnessError('CHALLENGE_EXPIRED', 'the challenge has expired: start again');
  return ceremony;
}

/** An operator ended the account's ceremonies (revoke, reset, lock, end sessions) after this one started. */
export function checkNotEnded(ceremony: Ceremony, account: Pick<AccountRow, 'ceremonyEpoch'>): void {
  if (ceremony.epoch !== -1 && ceremony.epoch !== account.ceremonyEpoch) throw new HarnessError('CHALLENGE_REPLAYED', 'this ceremony was ended by an operator: start again');
}

/**
 * Inside the success transaction: the account as it is now. The finish awaits signature and
 * attestation checks, and an operator who locked the account or revoked, reset or ended its
 * sessions meanwhile must still end the ceremony (the checks before the await saw the old row).
 */
export function checkStillOpen(ctx: RpContext, ceremony: Ceremony, accountId: number): void {
  const account = ctx.store.accounts.ceremonyState(accountId);
  if (!account) throw new HarnessError('ACCOUNT_NOT_FOUND', 'no such account');
  checkNotEnded(ceremony, account);
  if (account.locked) throw new HarnessError('ACCOUNT_LOCKED', 'account is locked');
}

function usedRecord(ceremony: Ceremony, now: number) {
  return { label: ceremony.handle, usedAt: now, expiresAt: ceremony.expiresAt };
}

/** Inside the success transaction: the first record of the ceremony wins; a concurrent attempt that recorded it first makes this one roll back. */
export function consumeWithSuccess(ctx: RpContext, ceremony: Ceremony, now: number): void {
  if (!ctx.store.ceremonies.markUsed(usedRecord(ceremony, now))) throw new HarnessError('CHALLENGE_REPLAYED', 'this challenge was already used');
}

/**
 * Failure path of a ceremony step: records the ceremony as used (a failed attempt is not retried
 * with the same challenge) in one transaction with the failure audit row, then rethrows `error`.
 */
export function failCeremony(ctx: RpContext, ceremony: Ceremony | undefined, error: unknown, entry: { actor: string; action: string; accountId?: number | null; details?: Record<string, unknown> }): never {
  try {
    ctx.store.transaction(() => {
      if (ceremony) ctx.store.ceremonies.markUsed(usedRecord(ceremony, ctx.clock.now()));
      try {
        auditFailure(ctx, error, entry);
      } catch (rethrown) {
        if (rethrown !== error) throw rethrown;
      }
    });
  } catch {
    // The store failed (e.g. closed): the original failure matters more.
  }
  throw error;
}

/** WebAuthn §7.1 steps 5–11 / §7.2 steps 10–15 (type, challenge, origin, cross-origin). */
export function checkClientData(ctx: RpContext, clientDataJSON: Uint8Array, expectedType: 'webauthn.create' | 'webauthn.get', ceremony: Ceremony): ClientData {
  if (clientDataJSON.length > ctx.policy.maxClientDataBytes) throw new HarnessError('PAYLOAD_TOO_LARGE', 'clientDataJSON is too large');
  const clientData = parseClientDataJSON(clientDataJSON);
  if (clientData.type !== expectedType) throw new HarnessError('TYPE_MISMATCH', `clientData.type is ${JSON.stringify(clientData.type)}, expected ${expectedType}`);
  if (clientData.challenge !== ceremony.challenge) throw new HarnessError('CHALLENGE_MISMATCH', 'clientData.challenge is not the challenge this ceremony issued');
  if (!ctx.origins.includes(clientData.origin)) throw new HarnessError('ORIGIN_MISMATCH', `origin ${JSON.stringify(clientData.origin)} is not allowed`);
  // We serve no cross-origin iframes: §7.1 step 10 leaves crossOrigin/topOrigin policy to the RP.
  if (clientData.crossOrigin === true) throw new HarnessError('CROSS_ORIGIN_FORBIDDEN', 'cross-origin ceremonies are not allowed');
  if (clientData.topOrigin !== undefined) throw new HarnessError('CROSS_ORIGIN_FORBIDDEN', 'topOrigin is not allowed');
  return clientData;
}

/**
 * CollectedClientData §5.8.1: tokenBinding, when present (truthy), is an object with a known
 * status. The status names differ between @simplewebauthn/server's registration
 * ('not-supported', WebAuthn L1) and authentication ('notSupported') checks; each caller passes
 * the list its library path accepts, so ours refuses exactly what the library would.
 */
export function checkTokenBinding(clientData: ClientData, statuses: readonly string[]): void {
  const tokenBinding = (clientData as unknown as { tokenBinding?: unknown }).tokenBinding;
  if (!tokenBinding) return;
  const status = typeof tokenBinding === 'object' ? (tokenBinding as { status?: unknown }).status : undefined;
  if (typeof tokenBinding !== 'object' || !statuses.includes(status as string)) {
    throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON.tokenBinding is not an object with a known status');
  }
}

/** SHA-256 of the RP ID, computed once per RP ID (a process serves one or a few). */
let rpIdHashed: { rpId: string; hash: Uint8Array } | undefined;
function rpIdHash(rpId: string): Uint8Array {
  if (rpIdHashed?.rpId !== rpId) rpIdHashed = { rpId, hash: sha256(new TextEncoder().encode(rpId)) };
  return rpIdHashed.hash;
}

/** §7.1 steps 13–17 / §7.2 steps 15–18: rpIdHash, UP, UV, backup flags; then the strict parse. */
export function checkAuthData(ctx: RpContext, authData: Uint8Array, opts: { requireUv: boolean }): ParsedAuthenticatorData {
  if (authData.length > ctx.policy.maxAttestationBytes) throw new HarnessError('PAYLOAD_TOO_LARGE', 'authenticatorData is too large');
  if (authData.length < 37) throw new HarnessError('AUTHDATA_MALFORMED', 'authenticatorData is shorter than 37 bytes');
  if (!equalBytes(authData.subarray(0, 32), rpIdHash(ctx.rpId))) throw new HarnessError('RP_ID_MISMATCH', 'rpIdHash is not SHA-256 of this RP ID');
  const flags = authData[32]!;
  if (!(flags & FLAG.UP)) throw new HarnessError('USER_PRESENCE_REQUIRED', 'the UP flag is not set');
  if (opts.requireUv && !(flags & FLAG.UV)) throw new HarnessError('USER_VERIFICATION_REQUIRED', 'user verification was required but UV is not set');
  // §6.1: "If BE is not set, BS MUST NOT be set."
  if (flags & FLAG.BS && !(flags & FLAG.BE)) throw new HarnessError('BACKUP_FLAGS_INVALID', 'BS is set without BE');
  return parseAuthenticatorData(authData);
}
