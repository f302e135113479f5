import { afterEach, describe, expect, it } from 'vitest';
import { Agent, startTestServer, type TestServer } from './support.js';

/** HTTP guards that no other test pinned: the per-account rate limit and the customer-only server's harness refusal. */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('per-account rate limit on account routes', () => {
  it('counts a logged-in customer\'s sensitive requests per account: the one over the limit is 429, another customer from the same address is not', async () => {
    server = await startTestServer({ rateLimits: { perAccount: { limit: 2, windowMs: 60_000 } } });
    for (const loginId of ['yamada', 'tanaka']) {
      server.rp.createAccount({ loginId, password: 'login-pass', tradingPassword: 'trade-pass', displayName: loginId, emails: [`${loginId}@example.test`] });
    }
    const yamada = new Agent(server.url);
    const tanaka = new Agent(server.url);
    expect((await yamada.post('/api/login', { loginId: 'yamada', password: 'login-pass' })).status).toBe(200);
    expect((await tanaka.post('/api/login', { loginId: 'tanaka', password: 'login-pass' })).status).toBe(200);
    const guess = (agent: Agent) => agent.post('/api/step-up/verify', { code: '000000' });
    expect((await guess(yamada)).status).toBe(400);
    expect((await guess(yamada)).status).toBe(400);
    const limited = await guess(yamada);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect((await guess(tanaka)).status).toBe(400);
  });
});

describe("pages: 'customer'", () => {
  it('answers the harness channels 404 NOT_FOUND even with a valid token, without calling the mount', async () => {
    const calls: string[] = [];
    server = await startTestServer({
      pages: 'customer',
      harness: {
        authenticate: (token) => (token === 'good' ? { name: 'tester', role: 'operator' } : undefined),
        handle: async (channel) => (calls.push(channel), { ok: true, value: [] }),
      },
    });
    const res = await new Agent(server.url, { headers: { authorization: 'Bearer good' } }).post('/api/harness/users.list', {});
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect(calls).toEqual([]);
  });
});
