import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Store } from '../store/openStore.js';
import type { MailMessage, Mailer } from './mailer.js';

/** The default mailer: messages land in the SQLite outbox, which the harness shows as a mailbox. */
export function outboxMailer(store: Store, opts: { clock?: Clock } = {}): Mailer {
  const clock = opts.clock ?? systemClock;
  const enqueue = (message: MailMessage) => ({ messageId: `outbox-${store.outbox.insert({ ...message, transport: 'outbox', createdAt: clock.now() })}` });
  return {
    transport: 'outbox',
    enqueue,
    async send(message) {
      return enqueue(message);
    },
  };
}
