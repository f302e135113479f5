import { HarnessError } from '../../errors.js';
import { verifyPassword } from '../account/passwords.js';
import { audit, type RpContext } from '../context.js';
import { requireString } from '../input.js';
import { hashToken, newToken } from './sessionToken.js';

// A fixed hash to spend the same scrypt time on unknown login IDs as on known ones.
let decoy: string | undefined;

/** Password login (seed step 0). The session ID is new on every login. */
export function login(ctx: RpContext, opts: { loginId: string; password: string }): { sessionId: string; accountId: number; loginId: string; displayName: string } {
  const loginId = requireString(opts.loginId, 'loginId', 64);
  const password = requireString(opts.password, 'password', 256);
  const account = ctx.store.accounts.byLoginId(loginId);
  if (!account) {
    decoy ??= `scrypt$${ctx.policy.scryptCost}$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    verifyPassword(password, decoy);
    audit(ctx, { actor: `customer:${loginId}`, action: 'login.password', outcome: 'failure', code: 'LOGIN_FAILED' });
    throw new HarnessError('LOGIN_FAILED', 'login ID or password is wrong');
  }
  if (account.locked) {
    audit(ctx, { actor: `customer:${loginId}`, action: 'login.password', outcome: 'failure', code: 'ACCOUNT_LOCKED', accountId: account.id });
    throw new HarnessError('ACCOUNT_LOCKED', 'account is locked');
  }
  if (!verifyPassword(password, account.passwordHash)) {
    const state = ctx.store.transaction(() => {
      const s = ctx.store.accounts.recordLoginFailure(account.id, ctx.policy.maxLoginFailures);
      audit(ctx, { actor: `customer:${loginId}`, action: 'login.password', outcome: 'failure', code: s.locked ? 'ACCOUNT_LOCKED' : 'LOGIN_FAILED', accountId: account.id, details: { failedLogins: s.failedLogins } });
      return s;
    });
    if (state.locked) throw new HarnessError('ACCOUNT_LOCKED', 'too many failed logins: account is locked');
    throw new HarnessError('LOGIN_FAILED', 'login ID or password is wrong');
  }
  const sessionId = newToken(ctx);
  ctx.store.transaction(() => {
    ctx.store.accounts.resetLoginFailures(account.id);
    ctx.store.sessions.create({ tokenHash: hashToken(sessionId), accountId: account.id, now: ctx.clock.now() });
    audit(ctx, { actor: `customer:${loginId}`, action: 'login.password', outcome: 'success', accountId: account.id });
  });
  return { sessionId, accountId: account.id, loginId: account.loginId, displayName: account.displayName };
}
