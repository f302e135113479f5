import type { Store } from '../store/openStore.js';

/** The captured mailbox, newest first. */
export function listOutbox(store: Store, opts: { to?: string; limit?: number } = {}) {
  return {
    messages: store.outbox.list(opts).map((m) => ({ id: m.id, to: m.to, subject: m.subject, text: m.text, createdAt: m.createdAt, transport: m.transport })),
  };
}
