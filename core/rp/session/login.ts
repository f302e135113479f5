import { HarnessError } from '../../errors.js';
import { hashPassword, passwordCost, verifyPassword } from '../account/passwords.js';
import { audit, type RpContext } from '../context.js';
import { requireString } from '../input.js';
import { loginDelayMs } from './loginThrottle.js';
import { hashToken, newToken } from './sessionToken.js';

/**
 * What the customer is told for every refused login: unknown login ID, wrong password, throttled,
 * timed lock and operator lock alike (same code, status and body), so the answer reveals neither
 * which login IDs exist nor which are locked. The real reason is audited and kept as the error's
 * `cause` (never serialised over HTTP) for in-process callers such as the operator's harness.
 */
export const LOGIN_REFUSED_MESSAGE = 'login ID or password is wrong, or there were too many attempts: check them, wait a moment and try again';

/** One scrypt hash per cost, of no password anyone has: unknown login IDs spend the same time as known ones. */
const decoys = new Map<number, string>();
function decoyHash(cost: number): string {
  let decoy = decoys.get(cost);
  if (!decoy) {
    decoy = `scrypt$${cost}$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    decoys.set(cost, decoy);
  }
  return decoy;
}

/**
 * Password login (seed step 0). The session ID is new on every login. Every attempt computes one
 * scrypt hash — the account's, or a decoy of the policy's cost for an unknown login ID — before it
 * looks at locks, so refusals of every kind take the same time (issue 11: a locked account used to
 * answer in 3 ms against 140 ms). Wrong passwords throttle the account, then lock it for a time
 * (`loginDelayMs`); attempts while refused are not counted as guesses.
 */
export function login(ctx: RpContext, opts: { loginId: string; password: string }): { sessionId: string; accountId: number; loginId: string; displayName: string } {
  const loginId = requireString(opts.loginId, 'loginId', 64);
  const password = requireString(opts.password, 'password', 256);
  const account = ctx.store.accounts.byLoginId(loginId);
  const passwordOk = verifyPassword(password, account?.passwordHash ?? decoyHash(ctx.policy.scryptCost));
  const now = ctx.clock.now();
  const actor = `customer:${loginId}`;
  const refuse = (cause: HarnessError): never => {
    throw new HarnessError('LOGIN_FAILED', LOGIN_REFUSED_MESSAGE, { cause });
  };

  if (!account) {
    audit(ctx, { actor, action: 'login.password', outcome: 'failure', code: 'LOGIN_FAILED', details: { reason: 'unknown login ID' } });
    return refuse(new HarnessError('ACCOUNT_NOT_FOUND', `no account with login ID ${loginId}`));
  }
  if (account.locked) {
    audit(ctx, { actor, action: 'login.password', outcome: 'failure', code: 'ACCOUNT_LOCKED', accountId: account.id, details: { lock: 'operator' } });
    return refuse(new HarnessError('ACCOUNT_LOCKED', 'the account is locked by an operator'));
  }
  if (account.lockedUntil > now) {
    // Not a guess: the password was not even considered, so it is not counted either.
    audit(ctx, { actor, action: 'login.password', outcome: 'failure', code: 'ACCOUNT_LOCKED', accountId: account.id, details: { lock: 'timed', lockedUntil: account.lockedUntil, failedLogins: account.failedLogins } });
    return refuse(new HarnessError('ACCOUNT_LOCKED', `too many failed attempts: logins are refused until ${new Date(account.lockedUntil).toISOString()}`, { details: { lockedUntil: account.lockedUntil } }));
  }
  if (!passwordOk) {
    ctx.store.transaction(() => {
      const state = ctx.store.accounts.recordLoginFailure(account.id, (failedLogins) => {
        const delay = loginDelayMs(ctx.policy, failedLogins);
        return delay === 0 ? 0 : now + delay;
      });
      audit(ctx, { actor, action: 'login.password', outcome: 'failure', code: 'LOGIN_FAILED', accountId: account.id, details: { failedLogins: state.failedLogins, ...(state.lockedUntil > now ? { lockedUntil: state.lockedUntil } : {}) } });
    });
    return refuse(new HarnessError('LOGIN_FAILED', 'the password is wrong'));
  }
  const sessionId = newToken(ctx);
  // A hash stored at a lower cost than the policy's (e.g. before the default rose to 2^17) is upgraded now that the password is known.
  const upgraded = passwordCost(account.passwordHash) < ctx.policy.scryptCost ? hashPassword(password, { random: ctx.secrets, cost: ctx.policy.scryptCost }) : undefined;
  ctx.store.transaction(() => {
    ctx.store.accounts.resetLoginFailures(account.id);
    if (upgraded) ctx.store.accounts.setPasswordHash(account.id, upgraded);
    ctx.store.sessions.create({ tokenHash: hashToken(sessionId), accountId: account.id, now });
    audit(ctx, { actor, action: 'login.password', outcome: 'success', accountId: account.id, ...(upgraded ? { details: { passwordRehashed: true } } : {}) });
  });
  return { sessionId, accountId: account.id, loginId: account.loginId, displayName: account.displayName };
}
