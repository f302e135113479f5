import { createHmac } from 'node:crypto';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { HarnessError } from '../../errors.js';
import { toBase64url, type PublicKeyCredentialRequestOptionsJSON } from '../../webauthn/index.js';
import { issueChallenge, SUPPORTED_ALGORITHMS } from '../ceremony/issueChallenge.js';
import type { RpContext } from '../context.js';

/**
 * Passkey login, step 1: username-first (`loginId`) or discoverable (none). An unknown login ID
 * or an account without passkeys gets a stable fake credential, so the answer does not reveal
 * which login IDs exist.
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
  let allowCredentials: Array<{ id: string; transports?: string[] }> | undefined;
  if (loginId !== undefined) {
    const passkeys = account ? ctx.store.passkeys.listForAccount(account.id) : [];
    allowCredentials = passkeys.length > 0 ? passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })) : [{ id: fakeCredentialId(ctx, loginId), transports: ['hybrid', 'internal'] }];
  }
  const options = await generateAuthenticationOptions({
    rpID: ctx.rpId,
    challenge: ctx.random.bytes(32).slice(),
    timeout: ctx.policy.challengeTtlMs,
    userVerification,
    ...(allowCredentials ? { allowCredentials: allowCredentials as never } : {}),
  });
  return issueChallenge(ctx, {
    options,
    purpose: 'authentication',
    binding: { sessionId: null, accountId: account?.id ?? null, loginId: loginId ?? null },
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

/** The same ID for the same unknown login ID on every request (a per-database HMAC), like a real one would be. */
function fakeCredentialId(ctx: RpContext, loginId: string): string {
  return toBase64url(new Uint8Array(createHmac('sha256', ctx.secret).update(`fake-credential:${loginId}`).digest()));
}
