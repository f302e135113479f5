import { ceremonyLabel } from '../../../core/rp/ceremony/ceremonyHandle.js';
import { USED_CEREMONY_GRACE_MS } from '../../../core/rp/session/purgeExpired.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, startTestServer, type TestServer } from '../http/support.js';
import { seedCustomer, setup } from './support.js';

/**
 * Issue 11: sessions end on the server — at logout (a kept cookie is refused over real HTTP, not
 * merely dropped by the browser), after the idle limit, and after the absolute lifetime however
 * busy the session is — and the expired rows are purged. The clock is advanced, never slept.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function loggedIn(): Promise<{ server: TestServer; agent: Agent }> {
  server = await startTestServer();
  server.rp.createAccount({ loginId: 'yamada', password: 'login-pass', tradingPassword: 'trade-pass', displayName: '山田太郎', emails: ['yamada@example.test'] });
  const agent = new Agent(server.url);
  expect((await agent.post('/api/login', { loginId: 'yamada', password: 'login-pass' })).status).toBe(200);
  expect((await agent.get('/api/session')).status).toBe(200);
  return { server, agent };
}

describe('session lifetime over HTTP', () => {
  it('reusing the session cookie after logout gets 401 from the server', async () => {
    const { server, agent } = await loggedIn();
    const kept = new Agent(server.url);
    for (const [name, value] of agent.cookies) kept.cookies.set(name, value);
    expect((await agent.post('/api/logout')).status).toBe(200);
    expect(agent.cookies.size).toBe(0);
    // Whoever copied the cookie before the logout (another tab, a proxy log, malware) replays it.
    const replay = await kept.get('/api/session');
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('AUTH_REQUIRED');
  });

  it('a session idle past sessionIdleMs is refused; one used just before the limit is kept', async () => {
    const { server, agent } = await loggedIn();
    const idle = server.rp.policy.sessionIdleMs;
    server.clock.advance(idle);
    expect((await agent.get('/api/session')).status).toBe(200);
    server.clock.advance(idle + 1);
    const late = await agent.get('/api/session');
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('AUTH_REQUIRED');
  });

  it('a session past sessionMaxMs is refused even though it was never idle', async () => {
    const { server, agent } = await loggedIn();
    const { sessionIdleMs, sessionMaxMs } = server.rp.policy;
    const step = sessionIdleMs / 2;
    let elapsed = 0;
    while (elapsed + step <= sessionMaxMs) {
      server.clock.advance(step);
      elapsed += step;
      expect((await agent.get('/api/session')).status, `at ${elapsed / 60_000} min`).toBe(200);
    }
    server.clock.advance(sessionMaxMs - elapsed + 1);
    const over = await agent.get('/api/session');
    expect(over.status).toBe(401);
    expect(over.body.code).toBe('AUTH_REQUIRED');
  });
});

describe('purgeExpired', () => {
  it('removes expired sessions, used-ceremony records and codes, and keeps live ones', async () => {
    const env = setup();
    seedCustomer(env);
    const { policy } = env.rp;
    const t0 = env.clock.now();
    // One session that will go idle, one kept busy until its absolute lifetime runs out, one fresh.
    const idle = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
    const { emails } = env.rp.listEmails({ sessionId: idle });
    await env.rp.sendStepUpEmail({ sessionId: idle, emailId: emails[0]!.emailId });
    // A ceremony is stored only once used (here: a failed attempt), until it would have expired.
    const used = async () => {
      const { ceremonyId } = await env.rp.startLogin({ loginId: 'yamada' });
      await env.rp.finishLogin({ ceremonyId, response: {} as never }).catch(() => undefined);
      return ceremonyId;
    };
    await used();
    const busy = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
    for (let t = 0; t + policy.sessionIdleMs / 2 < policy.sessionMaxMs; t += policy.sessionIdleMs / 2) {
      env.clock.advance(policy.sessionIdleMs / 2);
      env.rp.getSession({ sessionId: busy });
    }
    env.clock.set(t0 + policy.sessionMaxMs + 1);
    const fresh = env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId;
    await env.rp.sendStepUpEmail({ sessionId: fresh, emailId: emails[0]!.emailId });
    const recent = await used();
    const count = (table: string) => Number(env.store.driver.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n);
    expect([count('sessions'), count('used_ceremonies'), count('step_up_codes')]).toEqual([3, 2, 2]);

    expect(env.rp.purgeExpired()).toEqual({ sessions: 2, challenges: 1, codes: 0 });
    expect([count('sessions'), count('used_ceremonies'), count('step_up_codes')]).toEqual([1, 1, 1]);
    expect(env.rp.getSession({ sessionId: fresh }).loginId).toBe('yamada');
    expect(env.store.ceremonies.usedAt(ceremonyLabel(recent))).toBeDefined();

    // Later the fresh session's code and ceremony expire; the session itself is still alive. The used
    // ceremony's record stays USED_CEREMONY_GRACE_MS longer (a server whose clock lags still refuses a replay).
    env.clock.advance(policy.codeTtlMs + 1);
    env.rp.getSession({ sessionId: fresh });
    expect(env.rp.purgeExpired()).toEqual({ sessions: 0, challenges: 0, codes: 1 });
    env.clock.advance(USED_CEREMONY_GRACE_MS);
    env.rp.getSession({ sessionId: fresh });
    expect(env.rp.purgeExpired()).toEqual({ sessions: 0, challenges: 1, codes: 0 });
  });
});
