import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { escapeForDisplay } from '../escapeForDisplay.js';

/** Seed step 7's mail (パスキー登録完了のお知らせ) to every registered address, so a customer notices a passkey they did not add. */
export async function sendRegistrationNotice(ctx: RpContext, opts: { accountId: number; displayName: string; passkeyName: string; actor: string }): Promise<void> {
  // The names are the customer's own text: CR/LF/ANSI must not forge lines in a mail client or a log viewer.
  const who = escapeForDisplay(opts.displayName);
  const what = escapeForDisplay(opts.passkeyName);
  for (const email of ctx.store.emails.list(opts.accountId)) {
    try {
      await ctx.mailer.send({
        to: email.address,
        subject: `【${ctx.rpName}】パスキー登録完了のお知らせ`,
        text: `${who} 様\n\nパスキー「${what}」が登録されました。お心当たりのない場合は、至急サポートまでご連絡ください。\n\nA passkey "${what}" was registered to your account. If this was not you, contact support.\n`,
      });
    } catch (error) {
      // The passkey is bound already; a failed notice is recorded, not turned into a failed registration.
      audit(ctx, { actor: opts.actor, action: 'registration.notice', outcome: 'failure', code: error instanceof HarnessError ? error.code : 'MAIL_FAILED', accountId: opts.accountId });
    }
  }
}
