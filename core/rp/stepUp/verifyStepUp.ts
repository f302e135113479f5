import { HarnessError, type HarnessErrorCode } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';
import { hashToken, newToken } from '../session/sessionToken.js';
import { parsePurpose, type StepUpPurpose } from './purpose.js';
import { codeMatches } from './stepUpCode.js';
import { matchTotp } from './totp.js';
import { lockedByWrongCodes, lockMinutes, recordWrongCode } from './wrongCode.js';

/**
 * Seed step 4 (認証コード入力): checks the emailed code, or the TOTP code when the account uses the
 * OTP service. Success marks the session stepped-up for `purpose` and rotates the session ID.
 */
export function verifyStepUp(
  ctx: RpContext,
  opts: { sessionId: string; code: string; purpose?: StepUpPurpose },
): { sessionId: string; method: 'email' | 'totp'; at: number } {
  const { session, account } = requireSession(ctx, opts.sessionId);
  const purpose = parsePurpose(opts.purpose);
  const actor = `customer:${account.loginId}`;
  const now = ctx.clock.now();
  const code = typeof opts.code === 'string' ? opts.code.trim() : '';
  const otp = ctx.store.otp.get(account.id);
  const method: 'email' | 'totp' = otp?.status === 'active' ? 'totp' : 'email';

  const fail = (errorCode: HarnessErrorCode, message: string, countsAsWrong: boolean, codeId?: number): never => {
    let locked = false;
    let triesLeft: number | undefined;
    let attemptsLeft: number | undefined;
    ctx.store.transaction(() => {
      if (countsAsWrong) {
        if (codeId !== undefined) triesLeft = ctx.policy.maxCodeTries - ctx.store.stepUp.addTry(codeId, ctx.policy.maxCodeTries);
        // A timed lock, like the password's: logins are refused for stepUpLockMs and the account's sessions end.
        const wrong = recordWrongCode(ctx, account.id, now);
        locked = wrong.locked;
        // A one-time password has no per-code limit: what the customer can be told is how many wrong codes remain before that lock.
        if (!locked && codeId === undefined) attemptsLeft = wrong.attemptsLeft;
      }
      const finalCode = locked ? 'ACCOUNT_LOCKED' : triesLeft !== undefined && triesLeft <= 0 ? 'OTP_LOCKED' : errorCode;
      audit(ctx, { actor, action: 'stepup.verify', outcome: 'failure', code: finalCode, accountId: account.id, details: { method, purpose } });
    });
    if (locked) throw lockedByWrongCodes(ctx, now);
    if (triesLeft !== undefined && triesLeft <= 0) throw new HarnessError('OTP_LOCKED', 'too many wrong tries: request a new code');
    if (attemptsLeft !== undefined) throw new HarnessError(errorCode, message, { details: { attemptsLeft, lockMinutes: lockMinutes(ctx) } });
    throw new HarnessError(errorCode, message, triesLeft === undefined ? undefined : { details: { triesLeft } });
  };

  const succeed = (markUsed: () => boolean): { sessionId: string; method: 'email' | 'totp'; at: number } => {
    const sessionId = newToken(ctx);
    const ok = ctx.store.transaction(() => {
      if (!markUsed()) return false;
      ctx.store.sessions.markStepUp(session.id, { at: now, method, purpose });
      // Rotate: whoever held the pre-step-up ID (a fixated or leaked one) does not get the stepped-up session.
      ctx.store.sessions.rotate(session.id, hashToken(sessionId));
      ctx.store.accounts.resetStepUpFailures(account.id);
      audit(ctx, { actor, action: 'stepup.verify', outcome: 'success', accountId: account.id, details: { method, purpose } });
      return true;
    });
    if (!ok) return fail('OTP_USED', 'this code was already used', false);
    return { sessionId, method, at: now };
  };

  if (method === 'totp') {
    if (!/^\d{6}$/.test(code)) return fail('OTP_INVALID', 'the one-time password is wrong', true);
    const step = matchTotp(ctx, otp!.secret, code);
    if (step === null) return fail('OTP_INVALID', 'the one-time password is wrong', true);
    // RFC 6238 §5.2: a verifier must not accept the same time step twice.
    if (step <= otp!.lastUsedStep) return fail('OTP_USED', 'this one-time password was already used', false);
    return succeed(() => ctx.store.otp.useStep(account.id, step));
  }

  const row = ctx.store.stepUp.latest(session.id, purpose);
  // Codes are bound to the session row: a code mailed to another session is simply not found here.
  if (!row || row.voidedAt !== null) return fail('OTP_INVALID', 'no code was sent to this session; send one first', true);
  if (row.usedAt !== null) return fail('OTP_USED', 'this code was already used', false);
  if (row.tries >= ctx.policy.maxCodeTries) return fail('OTP_LOCKED', 'too many wrong tries: request a new code', false);
  if (now > row.expiresAt) return fail('OTP_EXPIRED', 'the code has expired: request a new one', false);
  if (!/^\d{6}$/.test(code) || !codeMatches(code, row.salt, row.codeHash)) return fail('OTP_INVALID', 'the code is wrong', true, row.id);
  return succeed(() => ctx.store.stepUp.markUsed(row.id, now, ctx.policy.maxCodeTries));
}
