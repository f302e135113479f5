import type { RpContext } from '../context.js';
import { requireSession } from '../session/requireSession.js';
import { maskEmail } from './maskEmail.js';

/** The addresses the customer may pick on the メール認証 screen. */
export function listEmails(ctx: RpContext, opts: { sessionId: string }): { emails: Array<{ emailId: number; address: string; masked: string }> } {
  const { account } = requireSession(ctx, opts.sessionId);
  return { emails: ctx.store.emails.list(account.id).map((e) => ({ emailId: e.id, address: e.address, masked: maskEmail(e.address) })) };
}
