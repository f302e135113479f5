import { HarnessError } from '../../errors.js';
import type { Rp } from '../../rp/index.js';
import type { HarnessImplementation } from '../channels.js';
import type { MailMessage } from '../types.js';
import { iso, type HandlerContext } from './context.js';

type OutboxMessage = Awaited<ReturnType<Rp['listMail']>>['messages'][number];

const toMailMessage = (m: OutboxMessage): MailMessage => ({ id: String(m.id), to: m.to, subject: m.subject, text: m.text, sentAt: iso(m.createdAt) });

/** A six-digit run not inside a longer number: the step-up 認証コード (core/rp/stepUp/stepUpCode.ts). */
const CODE = /(?<!\d)\d{6}(?!\d)/g;
export const MASKED_CODE = '••••••';

/** What a viewer reads: the mail with every one-time code replaced, so read-only support cannot pass a customer's step-up. */
function maskCodes(message: MailMessage): MailMessage {
  const subject = message.subject.replace(CODE, MASKED_CODE);
  const text = message.text.replace(CODE, MASKED_CODE);
  return subject === message.subject && text === message.text ? message : { ...message, subject, text, codesMasked: true };
}

/**
 * The captured mailbox: what the RP sent (step-up codes, notices), as the customer would read it.
 * Only operators see the codes (issue 11 item 7); the scenario runner reads codes through its own
 * world (core/journey), never through these channels.
 */
export function mailHandlers({ rp, caller }: HandlerContext): Pick<HarnessImplementation, 'mailbox.list' | 'mailbox.show'> {
  const view = caller.role === 'operator' ? toMailMessage : (m: OutboxMessage) => maskCodes(toMailMessage(m));
  return {
    async 'mailbox.list'({ to, limit }) {
      const { messages } = await rp.listMail(to === undefined ? {} : { to });
      const newestFirst = [...messages].sort((x, y) => y.id - x.id);
      return newestFirst.slice(0, limit ?? newestFirst.length).map(view);
    },
    async 'mailbox.show'({ id }) {
      const { messages } = await rp.listMail({});
      const m = messages.find((x) => String(x.id) === id);
      if (!m) throw new HarnessError('NOT_FOUND', `no message ${id}`);
      return view(m);
    },
  };
}
