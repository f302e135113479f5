import nodemailer from 'nodemailer';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { HarnessError } from '../errors.js';
import type { Store } from '../store/openStore.js';
import type { Mailer } from './mailer.js';

export interface SmtpOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465 style). STARTTLS is negotiated when offered either way. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  from?: string;
  /** Accept self-signed certificates (a local test relay). */
  allowSelfSigned?: boolean;
  /** When given, every sent message is also recorded in the outbox so the harness mailbox stays complete. */
  store?: Store;
  clock?: Clock;
}

/** SMTP delivery through nodemailer, for a harness wired to a real mail relay. */
export function smtpMailer(opts: SmtpOptions): Mailer {
  const clock = opts.clock ?? systemClock;
  const transporter = nodemailer.createTransport({
    host: opts.host,
    port: opts.port,
    secure: opts.secure ?? false,
    ...(opts.auth ? { auth: opts.auth } : {}),
    tls: { rejectUnauthorized: !opts.allowSelfSigned },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
  const from = opts.from ?? 'Passkey Harness <no-reply@passkey-harness.invalid>';
  return {
    transport: 'smtp',
    async send(message) {
      let info: { messageId: string };
      try {
        info = await transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
      } catch (cause) {
        throw new HarnessError('MAIL_FAILED', `SMTP delivery to ${opts.host}:${opts.port} failed`, { cause });
      }
      opts.store?.outbox.insert({ ...message, transport: 'smtp', createdAt: clock.now() });
      return { messageId: info.messageId };
    },
  };
}
