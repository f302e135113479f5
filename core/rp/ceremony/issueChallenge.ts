import type { ChallengeRow } from '../../store/index.js';
import { audit, type RpContext } from '../context.js';
import { newToken } from '../session/sessionToken.js';

/** COSE algorithms this RP accepts, in order of preference (EdDSA, ES256, RS256). */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

/**
 * Opens a ceremony for options that carry a fresh challenge: the challenge is stored single-use,
 * bound to the session or login ID that asked and expiring after `policy.challengeTtlMs`
 * (WebAuthn §13.4.3). The challenge row and the `<action>` audit row commit together.
 * Returns the handle the client sends back and the options as plain JSON.
 */
export function issueChallenge<Options extends { challenge: string }>(
  ctx: RpContext,
  opts: {
    options: Options;
    purpose: ChallengeRow['purpose'];
    binding: { sessionId: number | null; accountId: number | null; loginId: string | null };
    userVerification: string;
    algorithms: number[];
    /** `outcome`/`code`: a ceremony opened for a refused party (a locked account) is not audited as a success. */
    audit: { actor: string; action: string; details: Record<string, unknown>; outcome?: 'success' | 'failure'; code?: string };
  },
): { ceremonyId: string; options: Options } {
  const ceremonyId = newToken(ctx, 16);
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    ctx.store.challenges.insert({
      handle: ceremonyId,
      challenge: opts.options.challenge,
      purpose: opts.purpose,
      ...opts.binding,
      userVerification: opts.userVerification,
      algorithms: opts.algorithms,
      createdAt: now,
      expiresAt: now + ctx.policy.challengeTtlMs,
    });
    const { outcome = 'success', code } = opts.audit;
    audit(ctx, { actor: opts.audit.actor, action: opts.audit.action, outcome, ...(code ? { code } : {}), accountId: opts.binding.accountId, details: { ceremonyId, ...opts.audit.details } });
  });
  return { ceremonyId, options: JSON.parse(JSON.stringify(opts.options)) as Options };
}
