import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { isHarnessError } from '../../../core/errors.js';
import { listOutbox, outboxMailer, smtpMailer } from '../../../core/mail/index.js';
import { openStore } from '../../../core/store/openStore.js';

describe('outbox mailer', () => {
  it('captures messages in SQLite, listable newest first and by recipient', async () => {
    const store = openStore({ path: ':memory:' });
    const mailer = outboxMailer(store, { clock: new ManualClock() });
    await mailer.send({ to: 'a@example.test', subject: 'one', text: 'first' });
    await mailer.send({ to: 'b@example.test', subject: 'two', text: 'second' });
    expect(listOutbox(store).messages.map((m) => m.subject)).toEqual(['two', 'one']);
    expect(listOutbox(store, { to: 'a@example.test' }).messages).toMatchObject([{ to: 'a@example.test', text: 'first', transport: 'outbox' }]);
    store.close();
  });
});

describe('SMTP mailer against a real smtp-server on loopback', () => {
  const received: Array<{ from: string; to: string[]; data: string }> = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (data += chunk));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@rejected.test')) return callback(new Error('mailbox unavailable'));
        callback();
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers over SMTP and records the message in the outbox', async () => {
    const store = openStore({ path: ':memory:' });
    const mailer = smtpMailer({ host: '127.0.0.1', port, store, from: 'rp@harness.test' });
    const { messageId } = await mailer.send({ to: 'customer@example.test', subject: '認証コード', text: 'コード: 123456' });
    expect(messageId).toMatch(/@/);
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['customer@example.test']);
    expect(received[0]!.from).toBe('rp@harness.test');
    expect(received[0]!.data).toMatch(/Subject: =\?UTF-8\?/);
    expect(listOutbox(store).messages[0]).toMatchObject({ to: 'customer@example.test', transport: 'smtp' });
    store.close();
  });

  it('reports a refused recipient as MAIL_FAILED', async () => {
    const mailer = smtpMailer({ host: '127.0.0.1', port });
    const error = await mailer.send({ to: 'x@rejected.test', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(isHarnessError(error, 'MAIL_FAILED')).toBe(true);
  });
});
