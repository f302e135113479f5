import type { RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';
import { toPasskeySummary, type PasskeySummary } from './passkeySummary.js';

/** The customer's own active passkeys. */
export function listPasskeys(ctx: RpContext, opts: { sessionId: string }): { passkeys: PasskeySummary[] } {
  const { account } = requireSession(ctx, opts.sessionId);
  return { passkeys: ctx.store.passkeys.listForAccount(account.id).map(toPasskeySummary) };
}
