import { createHmac } from 'node:crypto';
import { HarnessError } from '../../errors.js';
import { fromBase64url, toBase64url, type PublicKeyCredentialRequestOptionsJSON } from '../../webauthn/index.js';
import { requestOptions, type CredentialDescriptor } from '../ceremony/ceremonyOptions.js';
import { issueChallenge, SUPPORTED_ALGORITHMS } from '../ceremony/issueChallenge.js';
import type { RpContext } from '../context.js';

/**
 * Passkey login, step 1: username-first (`loginId`) or discoverable (none). An unknown login ID
 * or an account without passkeys gets stable fake credentials shaped like real ones, so the answer
 * reveals neither which login IDs exist nor who has a passkey.
 */
export async function startLogin(
  ctx: RpContext,
  opts: { loginId?: string; userVerification?: 'required' | 'preferred' | 'discouraged' } = {},
): Promise<{ ceremonyId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const loginId = opts.loginId;
  if (loginId !== undefined && (typeof loginId !== 'string' || loginId.length === 0 || loginId.length > 64)) {
    throw new HarnessError('INVALID_INPUT', 'loginId must be a non-empty string');
  }
  const userVerification = ctx.policy.userVerification === 'required' ? 'required' : (opts.userVerification ?? ctx.policy.userVerification);
  const account = loginId === undefined ? undefined : ctx.store.accounts.byLoginId(loginId);
  let allowCredentials: CredentialDescriptor[] | undefined;
  if (loginId !== undefined) {
    const passkeys = account ? ctx.store.passkeys.descriptorsForAccount(account.id) : [];
    allowCredentials = passkeys.length > 0 ? passkeys : fakeCredentials(ctx, loginId);
  }
  const options = requestOptions({
    rpId: ctx.rpId,
    // A predictable challenge would let someone holding the phone for a moment sign future logins in advance.
    challenge: ctx.secrets.bytes(32),
    timeout: ctx.policy.challengeTtlMs,
    userVerification,
    ...(allowCredentials ? { allowCredentials } : {}),
  });
  return issueChallenge(ctx, {
    options,
    purpose: 'authentication',
    binding: { sessionId: null, accountId: account?.id ?? null, loginId: loginId ?? null, epoch: account?.ceremonyEpoch ?? -1 },
    userVerification,
    algorithms: SUPPORTED_ALGORITHMS,
    audit: {
      actor: loginId === undefined ? 'anonymous' : `customer:${loginId}`,
      action: 'login.start',
      details: { discoverable: loginId === undefined },
      // The answer looks the same either way; only the audit log says the account is locked (finishLogin refuses it).
      ...(account?.locked ? { outcome: 'failure' as const, code: 'ACCOUNT_LOCKED' } : {}),
    },
  });
}

/** Accounts whose passkeys fake answers imitate: the first this many with one (stable once the database has them). */
const FAKE_POPULATION = 64;
/** What a fake looks like before any account has a passkey (an iCloud Keychain passkey). */
const FAKE_DEFAULT: Array<{ length: number; transports: string[] }> = [{ length: 20, transports: ['hybrid', 'internal'] }];

/**
 * Fake allowCredentials for `loginId`, the same on every request: a per-database HMAC picks one of
 * the accounts that have passkeys and copies how many it has, their credential-ID lengths and
 * transports (issue 11: fakes were 32 bytes with ["hybrid","internal"] while this database's real
 * ones were 64 bytes with ["nfc","usb"]); the IDs themselves are HMAC output of those lengths.
 */
function fakeCredentials(ctx: RpContext, loginId: string): Array<{ id: string; transports: string[] }> {
  const hmac = (label: string) => createHmac('sha256', ctx.secret).update(`${label}:${loginId}`).digest();
  const population = ctx.store.passkeys.accountsWithActive(FAKE_POPULATION);
  const model =
    population === 0
      ? FAKE_DEFAULT
      : ctx.store.passkeys.activeOfNthAccount(hmac('fake-model').readUInt32BE(0) % population).map((p) => ({ length: fromBase64url(p.credentialId).length, transports: [...p.transports] }));
  return (model.length > 0 ? model : FAKE_DEFAULT).map(({ length, transports }, i) => ({ id: toBase64url(fakeBytes(hmac(`fake-credential:${i}`), length)), transports }));
}

/** `length` bytes from a 32-byte seed (HMAC-SHA256 in counter mode beyond the first block). */
function fakeBytes(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let block = 0, filled = 0; filled < length; block++) {
    const chunk = block === 0 ? seed : createHmac('sha256', seed).update(String(block)).digest();
    out.set(chunk.subarray(0, Math.min(chunk.length, length - filled)), filled);
    filled += chunk.length;
  }
  return out;
}
