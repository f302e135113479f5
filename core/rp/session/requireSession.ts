import { HarnessError } from '../../errors.js';
import type { AccountRow, SessionRow } from '../../store/index.js';
import type { RpContext } from '../context.js';
import { hashToken } from './sessionToken.js';

/**
 * How stale `last_seen_at` may get before a request writes it: a write per request (the store's
 * busiest statement) buys nothing an idle timeout needs. The timeout is thus exact to within this
 * (1 minute of the default 30).
 */
export function sessionTouchAfterMs(sessionIdleMs: number): number {
  return Math.min(60_000, Math.floor(sessionIdleMs / 30));
}

/**
 * Resolves an opaque session ID; missing, unknown, idle past `sessionIdleMs` or older than
 * `sessionMaxMs` (absolute, however busy) → AUTH_REQUIRED and the row goes; an operator-locked
 * account → ACCOUNT_LOCKED. Touches the session when stale.
 */
export function requireSession(ctx: RpContext, sessionId: unknown): { session: SessionRow; account: AccountRow } {
  if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 256) {
    throw new HarnessError('AUTH_REQUIRED', 'log in first');
  }
  const found = ctx.store.sessions.withAccount(hashToken(sessionId));
  const now = ctx.clock.now();
  if (!found) throw new HarnessError('AUTH_REQUIRED', 'session is unknown or has ended');
  const { session, account } = found;
  if (now - session.lastSeenAt > ctx.policy.sessionIdleMs) {
    ctx.store.sessions.delete(session.id);
    throw new HarnessError('AUTH_REQUIRED', 'session expired');
  }
  if (now - session.createdAt > ctx.policy.sessionMaxMs) {
    ctx.store.sessions.delete(session.id);
    throw new HarnessError('AUTH_REQUIRED', 'session reached its maximum lifetime: log in again');
  }
  if (!account) throw new HarnessError('AUTH_REQUIRED', 'session is unknown or has ended');
  if (account.locked) throw new HarnessError('ACCOUNT_LOCKED', 'account is locked');
  if (now - session.lastSeenAt >= sessionTouchAfterMs(ctx.policy.sessionIdleMs)) ctx.store.sessions.touch(session.id, now);
  return { session, account };
}
