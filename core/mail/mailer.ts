/** What the RP needs from mail: send one plain-text message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly transport: 'outbox' | 'smtp';
  send(message: MailMessage): Promise<{ messageId: string }>;
  /**
   * Queues the message synchronously in the store, joining the caller's transaction: it is sent
   * (lands in the outbox) if and only if that transaction commits. Only a store-backed mailer has it.
   */
  enqueue?(message: MailMessage): { messageId: string };
}
