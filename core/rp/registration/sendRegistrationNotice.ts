import { HarnessError } from '../../errors.js';
import type { MailMessage } from '../../mail/index.js';
import { audit, type RpContext } from '../context.js';
import { escapeForDisplay } from '../escapeForDisplay.js';

export interface NoticeOptions {
  accountId: number;
  displayName: string;
  passkeyName: string;
  actor: string;
}

/** Seed step 7's mail (パスキー登録完了のお知らせ) to every registered address, so a customer notices a passkey they did not add. */
function registrationNotices(ctx: RpContext, opts: NoticeOptions): MailMessage[] {
  // The names are the customer's own text: CR/LF/ANSI must not forge lines in a mail client or a log viewer.
  const who = escapeForDisplay(opts.displayName);
  const what = escapeForDisplay(opts.passkeyName);
  return ctx.store.emails.list(opts.accountId).map((email) => ({
    to: email.address,
    subject: `【${ctx.rpName}】パスキー登録完了のお知らせ`,
    text: `${who} 様\n\nパスキー「${what}」が登録されました。お心当たりのない場合は、至急サポートまでご連絡ください。\n\nA passkey "${what}" was registered to your account. If this was not you, contact support.\n`,
  }));
}

/**
 * Inside the registration's transaction: a store-backed mailer queues the notices there, so they
 * exist if and only if the passkey does (and cost no commit of their own). Returns false when the
 * mailer cannot (SMTP): then `sendRegistrationNotice` sends them after the commit.
 */
export function queueRegistrationNotice(ctx: RpContext, opts: NoticeOptions): boolean {
  if (!ctx.mailer.enqueue) return false;
  for (const message of registrationNotices(ctx, opts)) ctx.mailer.enqueue(message);
  return true;
}

/** After the commit, for a mailer that cannot queue in the store. */
export async function sendRegistrationNotice(ctx: RpContext, opts: NoticeOptions): Promise<void> {
  for (const message of registrationNotices(ctx, opts)) {
    try {
      await ctx.mailer.send(message);
    } catch (error) {
      // The passkey is bound already; a failed notice is recorded, not turned into a failed registration.
      audit(ctx, { actor: opts.actor, action: 'registration.notice', outcome: 'failure', code: error instanceof HarnessError ? error.code : 'MAIL_FAILED', accountId: opts.accountId });
    }
  }
}
