import { audit, type RpContext } from '../context.js';
import { hashToken } from './sessionToken.js';

/** Ends the session; its open codes go with it (ON DELETE CASCADE) and its registration ceremonies can no longer finish. Idempotent. */
export function logout(ctx: RpContext, opts: { sessionId: string }): { ok: true } {
  if (typeof opts.sessionId !== 'string') return { ok: true };
  const session = ctx.store.sessions.byTokenHash(hashToken(opts.sessionId));
  if (session) {
    ctx.store.transaction(() => {
      ctx.store.sessions.delete(session.id);
      audit(ctx, { actor: `session:${session.id}`, action: 'logout', outcome: 'success', accountId: session.accountId });
    });
  }
  return { ok: true };
}
