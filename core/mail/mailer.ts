/** What the RP needs from mail: send one plain-text message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly transport: 'outbox' | 'smtp';
  send(message: MailMessage): Promise<{ messageId: string }>;
}
