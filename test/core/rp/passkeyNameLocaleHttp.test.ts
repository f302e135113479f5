import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/index.js';
import { createClient } from '../../../core/client/index.js';
import { Agent, latestCode, startTestServer, type TestServer } from '../http/support.js';

/** `locale` on POST /api/passkeys/registration/verify, through the real server (schema, route, RP). */
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

/** Seed steps 0–4 over HTTP: a logged-in, stepped-up customer agent. */
async function steppedUpAgent(): Promise<Agent> {
  await server.rp.createAccount({ loginId: 'yamada', password: 'login-pass-1', tradingPassword: 'trade-pass-1', displayName: '山田 太郎', emails: ['taro@example.jp'] });
  const agent = new Agent(server.url);
  expect((await agent.post('/api/login', { loginId: 'yamada', password: 'login-pass-1' })).status).toBe(200);
  const emails = await agent.get('/api/emails');
  expect((await agent.post('/api/step-up/email', { emailId: emails.body.emails[0].emailId })).status).toBe(200);
  expect((await agent.post('/api/step-up/verify', { code: latestCode(server.store, 'taro@example.jp') })).status).toBe(200);
  return agent;
}

async function startOn(agent: Agent, device: string) {
  const client = createClient({ authenticator: createAuthenticator({ profile: 'iphone-icloud', seed: device }), origin: server.url });
  const options = await agent.post('/api/passkeys/registration/options', {});
  expect(options.status).toBe(200);
  return { ceremonyId: options.body.ceremonyId as string, response: await client.create(options.body.options) };
}

describe('registration verify: locale', () => {
  it('names the passkey "Passkey N" for en and 「パスキー N」 without a locale', async () => {
    const agent = await steppedUpAgent();
    const english = await agent.post('/api/passkeys/registration/verify', { ...(await startOn(agent, 'one')), locale: 'en' });
    expect([english.status, english.body.passkey?.name]).toEqual([200, 'Passkey 1']);
    const japanese = await agent.post('/api/passkeys/registration/verify', await startOn(agent, 'two'));
    expect([japanese.status, japanese.body.passkey?.name]).toEqual([200, 'パスキー 2']);
    const listed = await agent.get('/api/passkeys');
    expect(listed.body.passkeys.map((p: { name: string }) => p.name).sort()).toEqual(['Passkey 1', 'パスキー 2'].sort());
  });

  it('refuses any other locale as 400 INVALID_INPUT naming the field, and stores nothing', async () => {
    const agent = await steppedUpAgent();
    const started = await startOn(agent, 'one');
    for (const bad of ['fr', 'EN', 'en-US', '', null, 1, ['en']]) {
      const reply = await agent.post('/api/passkeys/registration/verify', { ...started, locale: bad });
      expect([reply.status, reply.body.code], JSON.stringify(bad)).toEqual([400, 'INVALID_INPUT']);
      expect(reply.body.message).toContain('locale must be one of ja, en');
    }
    expect(server.store.passkeys.byCredentialId(started.response.id)).toBeUndefined();
    // Refused by the schema before the RP saw it: the ceremony is still open.
    const ok = await agent.post('/api/passkeys/registration/verify', { ...started, locale: 'ja' });
    expect([ok.status, ok.body.passkey?.name]).toEqual([200, 'パスキー 1']);
  });
});
