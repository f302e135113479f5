import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';
import { matchTotp } from './totp.js';

/** Activates a pending enrolment once the customer proves their app shows the right code. */
export function confirmOtp(ctx: RpContext, opts: { sessionId: string; code: string }): { status: 'active' } {
  const { account } = requireSession(ctx, opts.sessionId);
  const otp = ctx.store.otp.get(account.id);
  if (!otp) throw new HarnessError('OTP_NOT_ENROLLED', 'apply for the one-time password service first');
  if (otp.status === 'active') throw new HarnessError('OTP_ALREADY_ENROLLED', 'the one-time password service is already active');
  const step = typeof opts.code === 'string' && /^\d{6}$/.test(opts.code) ? matchTotp(ctx, otp.secret, opts.code) : null;
  if (step === null) {
    audit(ctx, { actor: `customer:${account.loginId}`, action: 'otp.confirm', outcome: 'failure', code: 'OTP_INVALID', accountId: account.id });
    throw new HarnessError('OTP_INVALID', 'the one-time password is wrong');
  }
  ctx.store.transaction(() => {
    ctx.store.otp.useStep(account.id, step);
    ctx.store.otp.activate(account.id);
    audit(ctx, { actor: `customer:${account.loginId}`, action: 'otp.confirm', outcome: 'success', accountId: account.id });
  });
  return { status: 'active' };
}
