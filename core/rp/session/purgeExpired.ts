import type { RpContext } from '../context.js';

/**
 * Housekeeping: deletes sessions idle past `sessionIdleMs` or older than `sessionMaxMs` (their codes
 * go with them), records of used ceremonies (`challenges`) and step-up codes past expiry — so the database keeps no
 * stale bearer material. One transaction. (The send rate limit counts audit rows, which stay.)
 * The server runs it at start-up and on a timer (core/harness startServer).
 */
export function purgeExpired(ctx: RpContext, opts: { now?: number } = {}): { sessions: number; challenges: number; codes: number } {
  const now = opts.now ?? ctx.clock.now();
  const { policy } = ctx;
  return ctx.store.transaction(() => ({
    sessions: ctx.store.sessions.deleteExpired({ idleBefore: now - policy.sessionIdleMs, createdBefore: now - policy.sessionMaxMs }),
    challenges: ctx.store.ceremonies.deleteExpired(now),
    codes: ctx.store.stepUp.deleteExpired(now),
  }));
}
