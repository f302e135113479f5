import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { HarnessError } from '../errors.js';
import { toBase64url } from '../webauthn/base64url.js';
import type { PublicKeyCredentialRequestOptionsJSON } from '../webauthn/types.js';
import { audit, hmac, newToken, SUPPORTED_ALGORITHMS, type RpContext } from './context.js';

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
    allowCredentials =
      passkeys.length > 0
        ? passkeys.map((p) => ({ id: p.credentialId, transports: p.transports }))
        : [{ id: toBase64url(hmac(ctx.secret, `fake-credential:${loginId}`)), transports: ['hybrid', 'internal'] }];
  }
  const options = await generateAuthenticationOptions({
    rpID: ctx.rpId,
    challenge: ctx.random.bytes(32).slice(),
    timeout: ctx.policy.challengeTtlMs,
    userVerification,
    ...(allowCredentials ? { allowCredentials: allowCredentials as never } : {}),
  });
  const ceremonyId = newToken(ctx, 16);
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    ctx.store.challenges.insert({
      handle: ceremonyId,
      challenge: options.challenge,
      purpose: 'authentication',
      sessionId: null,
      accountId: account?.id ?? null,
      loginId: loginId ?? null,
      userVerification,
      algorithms: SUPPORTED_ALGORITHMS,
      createdAt: now,
      expiresAt: now + ctx.policy.challengeTtlMs,
    });
    audit(ctx, { actor: loginId === undefined ? 'anonymous' : `customer:${loginId}`, action: 'login.start', outcome: 'success', accountId: account?.id ?? null, details: { ceremonyId, discoverable: loginId === undefined } });
  });
  return { ceremonyId, options: JSON.parse(JSON.stringify(options)) as PublicKeyCredentialRequestOptionsJSON };
}
