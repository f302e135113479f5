import { Secret } from 'otpauth';
import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';
import { isStepUpFresh } from './isStepUpFresh.js';
import { otpUri } from './totp.js';

/**
 * ワンタイムパスワードサービス 申込: issues a TOTP secret (pending until confirmed). Needs a fresh
 * email step-up for 'otp-enrollment', or a password thief could enrol their own TOTP and skip the email gate.
 */
export function enrollOtp(ctx: RpContext, opts: { sessionId: string }): { uri: string; secret: string } {
  const { session, account } = requireSession(ctx, opts.sessionId);
  if (ctx.store.otp.get(account.id)?.status === 'active') throw new HarnessError('OTP_ALREADY_ENROLLED', 'the one-time password service is already active');
  if (!isStepUpFresh(ctx, session, 'otp-enrollment')) throw new HarnessError('STEP_UP_REQUIRED', 'confirm with an email code first');
  const secret = new Secret({ buffer: ctx.secrets.bytes(20).slice().buffer }).base32;
  ctx.store.transaction(() => {
    ctx.store.otp.setPending(account.id, secret, ctx.clock.now());
    audit(ctx, { actor: `customer:${account.loginId}`, action: 'otp.enroll', outcome: 'success', accountId: account.id });
  });
  return { uri: otpUri(ctx, account.loginId, secret), secret };
}
