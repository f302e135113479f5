import type { RpContext } from '../context.js';

/**
 * A used ceremony's record outlives its expiry by this much before it is purged: the record is what
 * refuses a replay, and a second server whose clock runs behind would still take the handle as
 * unexpired for a moment.
 */
export const USED_CEREMONY_GRACE_MS = 10 * 60_000;

/**
 * Housekeeping: deletes sessions idle past `sessionIdleMs` or older than `sessionMaxMs` (their codes
 * go with them), records of used ceremonies (`challenges`, `USED_CEREMONY_GRACE_MS` after their expiry) and step-up codes past expiry — so the database keeps no
 * stale bearer material. One transaction. (The send rate limit counts audit rows, which stay.)
 * The server runs it at start-up and on a timer (core/harness startServer).
 */
export function purgeExpired(ctx: RpContext, opts: { now?: number } = {}): { sessions: number; challenges: number; codes: number } {
  const now = opts.now ?? ctx.clock.now();
  const { policy } = ctx;
  return ctx.store.transaction(() => ({
    sessions: ctx.store.sessions.deleteExpired({ idleBefore: now - policy.sessionIdleMs, createdBefore: now - policy.sessionMaxMs }),
    challenges: ctx.store.ceremonies.deleteExpired(now - USED_CEREMONY_GRACE_MS),
    codes: ctx.store.stepUp.deleteExpired(now),
  }));
}
