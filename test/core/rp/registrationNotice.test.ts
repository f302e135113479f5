import { expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

// The registration notice is queued in the registration's own transaction (outbox mailer): the
// customer is told about every passkey that exists, and about none that does not.
it('a notice that cannot be queued rolls the registration back: no passkey without its notice', async () => {
  const env = setup();
  seedCustomer(env);
  const sessionId = await loginAndStepUp(env);
  const mailBefore = env.rp.listMail({}).messages.length;
  env.store.driver.exec(`CREATE TRIGGER notice_blocked BEFORE INSERT ON mail_outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`);
  const { client } = phone(env);
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
  expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: await client.create(options) }))).not.toBe('NO_ERROR');
  expect(env.rp.getRegistrationInfo({ sessionId }).rows[2]).toEqual({ key: 'passkey', status: 'unregistered', count: 0 });
  expect(env.rp.listMail({}).messages).toHaveLength(mailBefore);

  env.store.driver.exec('DROP TRIGGER notice_blocked');
  const again = await env.rp.startRegistration({ sessionId });
  const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId: again.ceremonyId, response: await client.create(again.options) });
  expect(env.rp.getRegistrationInfo({ sessionId }).rows[2]).toEqual({ key: 'passkey', status: 'registered', count: 1 });
  const notices = env.rp.listMail({}).messages.filter((m) => m.subject.includes('パスキー登録完了'));
  expect(notices.map((m) => m.to).sort()).toEqual(['yamada.sub@example.test', 'yamada@example.test']);
  expect(notices.every((m) => m.text.includes(passkey.name))).toBe(true);
});
