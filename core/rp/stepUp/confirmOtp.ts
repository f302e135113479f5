import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';
import { matchTotp } from './totp.js';
import { lockedByWrongCodes, lockMinutes, recordWrongCode } from './wrongCode.js';

/**
 * Activates a pending enrolment once the customer proves their app shows the right code. A wrong
 * code counts toward the account's lock as a wrong step-up code does (a guess is a guess, whichever
 * form it was typed into); the right one resets that count.
 */
export function confirmOtp(ctx: RpContext, opts: { sessionId: string; code: string }): { status: 'active' } {
  const { account } = requireSession(ctx, opts.sessionId);
  const actor = `customer:${account.loginId}`;
  const otp = ctx.store.otp.get(account.id);
  if (!otp) throw new HarnessError('OTP_NOT_ENROLLED', 'apply for the one-time password service first');
  if (otp.status === 'active') throw new HarnessError('OTP_ALREADY_ENROLLED', 'the one-time password service is already active');
  const step = typeof opts.code === 'string' && /^\d{6}$/.test(opts.code) ? matchTotp(ctx, otp.secret, opts.code) : null;
  if (step === null) {
    const now = ctx.clock.now();
    const wrong = ctx.store.transaction(() => {
      const outcome = recordWrongCode(ctx, account.id, now);
      audit(ctx, { actor, action: 'otp.confirm', outcome: 'failure', code: outcome.locked ? 'ACCOUNT_LOCKED' : 'OTP_INVALID', accountId: account.id });
      return outcome;
    });
    if (wrong.locked) throw lockedByWrongCodes(ctx, now);
    throw new HarnessError('OTP_INVALID', 'the one-time password is wrong', { details: { attemptsLeft: wrong.attemptsLeft, lockMinutes: lockMinutes(ctx) } });
  }
  ctx.store.transaction(() => {
    ctx.store.otp.useStep(account.id, step);
    ctx.store.otp.activate(account.id);
    ctx.store.accounts.resetStepUpFailures(account.id);
    audit(ctx, { actor, action: 'otp.confirm', outcome: 'success', accountId: account.id });
  });
  return { status: 'active' };
}
