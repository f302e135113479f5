import { HarnessError } from '../../errors.js';
import { maskEmail } from '../account/maskEmail.js';
import { audit, type RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';
import { parsePurpose, type StepUpPurpose } from './purpose.js';
import { hashCode, sixDigits } from './stepUpCode.js';

/**
 * Seed step 3 (メール認証): email a 6-digit code to an address the customer picked among their own.
 * The code is bound to this session and purpose, expires in 5 minutes, and voids any earlier one.
 */
export async function sendStepUpEmail(
  ctx: RpContext,
  opts: { sessionId: string; emailId: number; purpose?: StepUpPurpose },
): Promise<{ sentTo: string; expiresAt: number }> {
  const { session, account } = requireSession(ctx, opts.sessionId);
  const purpose = parsePurpose(opts.purpose);
  const actor = `customer:${account.loginId}`;
  if (ctx.store.otp.get(account.id)?.status === 'active') {
    // Seed: "ワンタイムパスワードサービスをご利用の場合、この画面は表示されません" — the TOTP branch sends no mail.
    throw new HarnessError('INVALID_INPUT', 'this account uses the one-time password service; enter the TOTP code instead');
  }
  const email = typeof opts.emailId === 'number' ? ctx.store.emails.byId(account.id, opts.emailId) : undefined;
  if (!email) {
    audit(ctx, { actor, action: 'stepup.send', outcome: 'failure', code: 'EMAIL_NOT_REGISTERED', accountId: account.id });
    throw new HarnessError('EMAIL_NOT_REGISTERED', 'choose one of your registered email addresses');
  }
  const now = ctx.clock.now();
  const last = ctx.store.stepUp.lastSentAt(session.id);
  // Counted from the audit log, not from the codes: those go with their session (logout, purge), and a
  // logout must not reset the per-account limit (issue 11 review).
  const recent = ctx.store.audit.countSince({ accountId: account.id, action: 'stepup.send', outcome: 'success', since: now - ctx.policy.sendWindowMs });
  if ((last !== null && now - last < ctx.policy.resendIntervalMs) || recent >= ctx.policy.maxSendsPerWindow) {
    audit(ctx, { actor, action: 'stepup.send', outcome: 'failure', code: 'RATE_LIMITED', accountId: account.id });
    throw new HarnessError('RATE_LIMITED', 'too many codes sent; wait before asking for another');
  }
  const code = sixDigits(ctx.secrets);
  const salt = ctx.secrets.bytes(16);
  const expiresAt = now + ctx.policy.codeTtlMs;
  ctx.store.transaction(() => {
    ctx.store.stepUp.voidOpen(session.id, purpose, now);
    ctx.store.stepUp.insert({ sessionId: session.id, accountId: account.id, emailId: email.id, purpose, salt, codeHash: hashCode(code, salt), createdAt: now, expiresAt });
    audit(ctx, { actor, action: 'stepup.send', outcome: 'success', accountId: account.id, details: { to: maskEmail(email.address), purpose } });
  });
  await ctx.mailer.send({
    to: email.address,
    subject: `【${ctx.rpName}】認証コードのお知らせ`,
    text: `${account.displayName} 様\n\n認証コード: ${code}\n\nこのコードの有効期限は5分です。お心当たりのない場合は、このメールを破棄してください。\n\nYour verification code is ${code}. It expires in 5 minutes.\n`,
  });
  return { sentTo: maskEmail(email.address), expiresAt };
}
