import { HarnessError } from '../../errors.js';
import type { Rp } from '../../rp/index.js';
import type { HarnessImplementation } from '../channels.js';
import type { MailMessage } from '../types.js';
import { iso, type HandlerContext } from './context.js';

type OutboxMessage = Awaited<ReturnType<Rp['listMail']>>['messages'][number];

const toMailMessage = (m: OutboxMessage): MailMessage => ({ id: String(m.id), to: m.to, subject: m.subject, text: m.text, sentAt: iso(m.createdAt) });

/** The captured mailbox: what the RP sent (step-up codes, notices), as the customer would read it. */
export function mailHandlers({ rp }: HandlerContext): Pick<HarnessImplementation, 'mailbox.list' | 'mailbox.show'> {
  return {
    async 'mailbox.list'({ to, limit }) {
      const { messages } = await rp.listMail(to === undefined ? {} : { to });
      const newestFirst = [...messages].sort((x, y) => y.id - x.id);
      return newestFirst.slice(0, limit ?? newestFirst.length).map(toMailMessage);
    },
    async 'mailbox.show'({ id }) {
      const { messages } = await rp.listMail({});
      const m = messages.find((x) => String(x.id) === id);
      if (!m) throw new HarnessError('NOT_FOUND', `no message ${id}`);
      return toMailMessage(m);
    },
  };
}
