import { afterEach, describe, expect, it } from 'vitest';
import { Agent, startTestServer, type TestServer } from './support.js';

/**
 * Request bodies an outside tester sent (2026-12-01): lone surrogate escapes that SQLite would store
 * as U+FFFD (the audit row read back no longer matched its hash), ids coerced from arrays, padded
 * strings and booleans, and JSON-ish content types.
 */
const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function start() {
  const s = await startTestServer();
  servers.push(s);
  await s.rp.createAccount({ loginId: 'yamada', password: 'login-pass-1', tradingPassword: 'trade-pass-1', displayName: '山田 太郎', emails: ['taro@example.jp', 'taro2@example.jp'] });
  return s;
}

describe('hostile request bodies', () => {
  it('a lone surrogate escape anywhere in a body is INVALID_INPUT, and the audit log still verifies', async () => {
    const s = await start();
    const agent = new Agent(s.url);
    const auditRows = () => s.store.audit.list({ limit: 1000 }).length;
    const before = auditRows();
    for (const [path, raw] of [
      ['/api/passkeys/login/options', '{"loginId":"\\udfff"}'],
      ['/api/login', '{"loginId":"\\ud800","password":"x"}'],
      ['/api/login', '{"loginId":"yamada","password":"x\\uDBFFy"}'],
      ['/api/login', '{"loginId":"yamada","password":"x","\\ud800":1}'],
    ] as const) {
      const reply = await agent.request('POST', path, undefined, { rawBody: raw });
      expect([reply.status, reply.body.code], `${path} ${raw}`).toEqual([400, 'INVALID_INPUT']);
      expect(reply.body.message).toMatch(/not valid Unicode/);
    }
    expect(auditRows()).toBe(before);
    // A surrogate pair spelled as escapes is a real character, not refused; an escaped backslash before "u" is text.
    const emoji = await agent.request('POST', '/api/login', undefined, { rawBody: '{"loginId":"\\ud83d\\ude00","password":"\\\\ud800"}' });
    expect([emoji.status, emoji.body.code]).toEqual([401, 'LOGIN_FAILED']);
    expect(s.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('the audit chain stores what it hashed: an actor with a lone surrogate (not over HTTP: IPC, in process) verifies', async () => {
    const s = await start();
    await s.rp.startLogin({ loginId: '\udfff' });
    await expect(Promise.resolve().then(() => s.rp.login({ loginId: 'a\ud800', password: 'x' }))).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    const actors = s.store.audit.list({ limit: 1000 }).map((r) => r.actor);
    expect(actors).toEqual(expect.arrayContaining(['customer:\ufffd', 'customer:a\ufffd']));
    expect(s.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('emailId must be a JSON number: [N], " N", "N" and true are INVALID_INPUT and send nothing', async () => {
    const s = await start();
    const agent = new Agent(s.url);
    expect((await agent.post('/api/login', { loginId: 'yamada', password: 'login-pass-1' })).status).toBe(200);
    const { emailId } = (await agent.get('/api/emails')).body.emails[1];
    const sent = () => s.store.outbox.list({}).length;
    const before = sent();
    for (const bogus of [[emailId], ` ${emailId}`, String(emailId), true, emailId + 0.5]) {
      const reply = await agent.post('/api/step-up/email', { emailId: bogus });
      expect([reply.status, reply.body.code], JSON.stringify(bogus)).toEqual([400, 'INVALID_INPUT']);
    }
    expect(sent()).toBe(before);
    expect((await agent.post('/api/step-up/email', { emailId })).status).toBe(200);
    expect(sent()).toBe(before + 1);
  });

  it('only application/json (with parameters) is JSON: application/json-patch+json is refused', async () => {
    const s = await start();
    const agent = new Agent(s.url);
    const body = JSON.stringify({ loginId: 'yamada', password: 'login-pass-1' });
    const as = (type: string) => agent.request('POST', '/api/login', undefined, { rawBody: body, headers: { 'content-type': type } });
    for (const type of ['application/json-patch+json', 'application/jsonx', 'text/plain']) {
      const reply = await as(type);
      expect([reply.status, reply.body.code], type).toEqual([400, 'INVALID_INPUT']);
    }
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8']) {
      expect((await as(type)).status, type).toBe(200);
    }
  });
});
