import type { RpContext } from '../context.js';
import { ceremonyLabel, sealCeremony, type Ceremony } from './ceremonyHandle.js';

/** COSE algorithms this RP accepts, in order of preference (EdDSA, ES256, RS256). */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

/**
 * Opens a ceremony for options that carry a fresh challenge: the challenge, the session or login ID
 * that asked, the expiry (`policy.challengeTtlMs`, WebAuthn §13.4.3) and what the finish must check
 * are sealed into the handle the client sends back (ceremonyHandle.ts); nothing is stored until the
 * finish, which makes it single-use. The `<action>` audit row is written with the next write of this
 * store (at the latest within DEFER_MS); a refused party's start (a locked account) is audited at once.
 * Returns the handle and the options (plain JSON, as ceremonyOptions.ts builds them).
 */
export function issueChallenge<Options extends { challenge: string }>(
  ctx: RpContext,
  opts: {
    options: Options;
    purpose: Ceremony['purpose'];
    /** `epoch`: the account's ceremony epoch now (-1 when no account is known); `sessionBinding`: a registration's session's (see Ceremony). */
    binding: { sessionId: number | null; sessionBinding?: Uint8Array; accountId: number | null; loginId: string | null; epoch: number };
    userVerification: string;
    algorithms: number[];
    /** `outcome`/`code`: a ceremony opened for a refused party (a locked account) is not audited as a success. */
    audit: { actor: string; action: string; details: Record<string, unknown>; outcome?: 'success' | 'failure'; code?: string };
  },
): { ceremonyId: string; options: Options } {
  const now = ctx.clock.now();
  const ceremonyId = sealCeremony(ctx, {
    challenge: opts.options.challenge,
    purpose: opts.purpose,
    ...opts.binding,
    userVerification: opts.userVerification,
    algorithms: opts.algorithms,
    createdAt: now,
    expiresAt: now + ctx.policy.challengeTtlMs,
  });
  const { outcome = 'success', code } = opts.audit;
  const entry = { at: now, actor: opts.audit.actor, action: opts.audit.action, outcome, ...(code ? { code } : {}), accountId: opts.binding.accountId, details: { ceremonyId: ceremonyLabel(ceremonyId), ...opts.audit.details } };
  if (outcome === 'success') ctx.store.audit.appendSoon(entry);
  else ctx.store.audit.append(entry);
  return { ceremonyId, options: opts.options };
}

