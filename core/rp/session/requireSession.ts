import { HarnessError } from '../../errors.js';
import type { AccountRow, SessionRow } from '../../store/index.js';
import type { RpContext } from '../context.js';
import { hashToken } from './sessionToken.js';

/** Resolves an opaque session ID; missing, unknown or idle-expired → AUTH_REQUIRED; a locked account → ACCOUNT_LOCKED. Touches the session. */
export function requireSession(ctx: RpContext, sessionId: unknown): { session: SessionRow; account: AccountRow } {
  if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 256) {
    throw new HarnessError('AUTH_REQUIRED', 'log in first');
  }
  const session = ctx.store.sessions.byTokenHash(hashToken(sessionId));
  const now = ctx.clock.now();
  if (!session) throw new HarnessError('AUTH_REQUIRED', 'session is unknown or has ended');
  if (now - session.lastSeenAt > ctx.policy.sessionIdleMs) {
    ctx.store.sessions.delete(session.id);
    throw new HarnessError('AUTH_REQUIRED', 'session expired');
  }
  const account = ctx.store.accounts.byId(session.accountId);
  if (!account) throw new HarnessError('AUTH_REQUIRED', 'session is unknown or has ended');
  if (account.locked) throw new HarnessError('ACCOUNT_LOCKED', 'account is locked');
  ctx.store.sessions.touch(session.id, now);
  return { session, account };
}
