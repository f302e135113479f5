// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/index.js';
import { createClient } from '../../../core/client/index.js';
import { Agent, latestCode, startTestServer, type TestServer } from './support.js';

const servers: TestServer[] = [];
async function start(opts: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(opts);
  servers.push(s);
  await s.rp.createAccount({ loginId: 'yamada', password: 'login-pass-1', tradingPassword: 'trade-pass-1', displayName: '山田 太郎', emails: ['taro@example.jp'] });
  return s;
}
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

function expectErrorShape(body: unknown, code: string) {
  expect(body).toMatchObject({ code, message: expect.any(String) });
  // Never a stack trace: only code, message and (for validation) structured details cross the wire.
  expect(Object.keys(body as object).sort()).toEqual(expect.arrayContaining(['code', 'message']));
  for (const key of Object.keys(body as object)) expect(['code', 'message', 'details']).toContain(key);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}

async function loggedIn(server: TestServer, slot?: string) {
  const agent = new Agent(server.url, slot ? { slot } : {});
  expect((await agent.post('/api/login', { loginId: 'yamada', password: 'login-pass-1' })).status).toBe(200);
  return agent;
}

async function steppedUp(server: TestServer) {
  const agent = await loggedIn(server);
  const emails = await agent.get('/api/emails');
  await agent.post('/api/step-up/email', { emailId: emails.body.emails[0].emailId });
  expect((await agent.post('/api/step-up/verify', { code: latestCode(server.store, 'taro@example.jp') })).status).toBe(200);
  return agent;
}

describe('CSRF', () => {
  it('rejects a state-changing request without an Origin header', async () => {
    const server = await start();
    const res = await new Agent(server.url, { origin: null }).post('/api/login', { loginId: 'yamada', password: 'login-pass-1' });
    expect(res.status).toBe(403);
    expectErrorShape(res.body, 'CSRF_REJECTED');
  });

  it('rejects a foreign Origin', async () => {
    const server = await start();
    const res = await new Agent(server.url, { origin: 'http://evil.example' }).post('/api/login', { loginId: 'yamada', password: 'login-pass-1' });
    expect(res.status).toBe(403);
    expectErrorShape(res.body, 'CSRF_REJECTED');
  });

  it('rejects a same-origin request without the X-Harness-CSRF header (what a cross-site form could send)', async () => {
    const server = await start();
    const agent = await loggedIn(server);
    const bare = new Agent(server.url, { csrf: false });
    for (const [k, v] of agent.cookies) bare.cookies.set(k, v);
    const res = await bare.post('/api/logout', {});
    expect(res.status).toBe(403);
    expectErrorShape(res.body, 'CSRF_REJECTED');
    expect((await agent.get('/api/session')).status).toBe(200);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/', async () => {
    const server = await start();
    const res = await new Agent(server.url).request('POST', '/api/login', { loginId: 'yamada', password: 'login-pass-1' });
    const cookie = res.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/^pkh_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    // Plain http on loopback: a Secure cookie would never come back.
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('sets the session cookie Secure behind a TLS-terminating proxy (the browser Origin is a configured https origin)', async () => {
    const server = await start({ origins: ['https://harness.example'] });
    const agent = new Agent(server.url, { origin: 'https://harness.example' });
    const res = await agent.request('POST', '/api/login', { loginId: 'yamada', password: 'login-pass-1' });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/^pkh_session=[^;]+;/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
  });
});

describe('bad input never becomes a 500', () => {
  it('answers 413 PAYLOAD_TOO_LARGE for a body over 64 KiB', async () => {
    const server = await start();
    const res = await new Agent(server.url).request('POST', '/api/login', undefined, { rawBody: JSON.stringify({ loginId: 'x'.repeat(70_000), password: 'p' }) });
    expect(res.status).toBe(413);
    expectErrorShape(res.body, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 400 INVALID_INPUT for malformed JSON', async () => {
    const server = await start();
    const res = await new Agent(server.url).request('POST', '/api/login', undefined, { rawBody: '{"loginId": "yamada",' });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'INVALID_INPUT');
  });

  it('answers 400 INVALID_INPUT for a body that is not application/json', async () => {
    const server = await start();
    const res = await new Agent(server.url).request('POST', '/api/login', undefined, {
      rawBody: 'loginId=yamada&password=login-pass-1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'INVALID_INPUT');
  });

  it('answers 400 INVALID_INPUT with the failing field for a body of the wrong shape', async () => {
    const server = await start();
    const res = await new Agent(server.url).post('/api/login', { loginId: 42 });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'INVALID_INPUT');
    expect(res.body.message).toContain('loginId');
  });

  it('answers 400 with the decoder code for a registration response with garbage base64url / CBOR', async () => {
    const server = await start();
    const agent = await steppedUp(server);
    const options = await agent.post('/api/passkeys/registration/options', {});
    expect(options.status).toBe(200);
    const garbage = {
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      response: { clientDataJSON: 'not*base64url', attestationObject: 'AAAA' },
      clientExtensionResults: {},
    };
    const res = await agent.post('/api/passkeys/registration/verify', { ceremonyId: options.body.ceremonyId, response: garbage });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, res.body.code);
    expect(res.body.code).not.toBe('INTERNAL');
  });

  it('answers 404 NOT_FOUND as JSON for an unknown API route and an unknown method', async () => {
    const server = await start();
    const agent = new Agent(server.url);
    const unknown = await agent.get('/api/no-such-thing');
    expect(unknown.status).toBe(404);
    expectErrorShape(unknown.body, 'NOT_FOUND');
    const wrongMethod = await agent.get('/api/login');
    expect(wrongMethod.status).toBe(404);
    expectErrorShape(wrongMethod.body, 'NOT_FOUND');
  });

  it('answers 500 INTERNAL without details when an adapter throws something unexpected', async () => {
    const server = await start({
      harness: {
        authenticate: () => ({ name: 'tester', role: 'operator' }),
        handle: async () => {
          throw new Error('boom at /secret/path.ts:12');
        },
      },
    });
    const res = await new Agent(server.url, { headers: { authorization: 'Bearer t' } }).post('/api/harness/users.list', {});
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('boom');
  });
});

describe('authentication and the step-up gate', () => {
  it('answers 401 AUTH_REQUIRED for registration options without login', async () => {
    const server = await start();
    const res = await new Agent(server.url).post('/api/passkeys/registration/options', {});
    expect(res.status).toBe(401);
    expectErrorShape(res.body, 'AUTH_REQUIRED');
  });

  it('answers 403 STEP_UP_REQUIRED for registration options after login but without step-up', async () => {
    const server = await start();
    const agent = await loggedIn(server);
    const res = await agent.post('/api/passkeys/registration/options', {});
    expect(res.status).toBe(403);
    expectErrorShape(res.body, 'STEP_UP_REQUIRED');
  });

  it('answers 401 LOGIN_FAILED for a wrong password', async () => {
    const server = await start();
    const res = await new Agent(server.url).post('/api/login', { loginId: 'yamada', password: 'wrong-password' });
    expect(res.status).toBe(401);
    expectErrorShape(res.body, 'LOGIN_FAILED');
  });

  it('answers 400 OTP_INVALID for a wrong step-up code', async () => {
    const server = await start();
    const agent = await loggedIn(server);
    const emails = await agent.get('/api/emails');
    await agent.post('/api/step-up/email', { emailId: emails.body.emails[0].emailId });
    const right = latestCode(server.store, 'taro@example.jp');
    const wrong = right === '000000' ? '000001' : '000000';
    const res = await agent.post('/api/step-up/verify', { code: wrong });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'OTP_INVALID');
  });
});

describe('rate limits', () => {
  it('answers 429 RATE_LIMITED with Retry-After once one login ID is tried too often', async () => {
    const server = await start({ rateLimits: { perAccount: { limit: 3, windowMs: 60_000 } } });
    const agent = new Agent(server.url);
    for (let i = 0; i < 3; i++) expect((await agent.post('/api/login', { loginId: 'nobody', password: `guess-${i}` })).status).toBe(401);
    const limited = await agent.post('/api/login', { loginId: 'nobody', password: 'guess-4' });
    expect(limited.status).toBe(429);
    expectErrorShape(limited.body, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address is not affected by this account's limit.
    expect((await agent.post('/api/login', { loginId: 'yamada', password: 'login-pass-1' })).status).toBe(200);
  });

  it('answers 429 RATE_LIMITED once one address sends too many sensitive requests', async () => {
    const server = await start({ rateLimits: { perIp: { limit: 2, windowMs: 60_000 } } });
    const agent = new Agent(server.url);
    await agent.post('/api/passkeys/login/options', {});
    await agent.post('/api/passkeys/login/options', {});
    const limited = await agent.post('/api/passkeys/login/options', {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('security headers', () => {
  it('sends CSP with frame-ancestors, nosniff, Referrer-Policy on API answers', async () => {
    const server = await start();
    const res = await new Agent(server.url).get('/api/session');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('static pages', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkh-static-'));
    mkdirSync(join(dir, 'customer'));
    mkdirSync(join(dir, 'console'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'customer/index.html'), '<!doctype html><title>customer</title>');
    writeFileSync(join(dir, 'console/index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'assets/app-1234.js'), 'export {};');
    writeFileSync(join(dir, 'assets/app-1234.css'), 'body{}');
    writeFileSync(join(tmpdir(), 'pkh-outside-secret.txt'), 'secret');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the customer pages at / and the console at /console/ with their content types', async () => {
    const server = await start({ staticDir: dir });
    const agent = new Agent(server.url);
    const root = await agent.get('/?slot=phone-1');
    expect(root.status).toBe(200);
    expect(root.body).toContain('customer');
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(root.headers.get('content-security-policy')).toContain("default-src 'self'");
    const consolePage = await agent.get('/console/');
    expect(consolePage.body).toContain('console');
    expect((await agent.get('/console')).status).toBe(301);
    const js = await agent.get('/assets/app-1234.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await agent.get('/assets/app-1234.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('refuses directory traversal in every spelling', async () => {
    const server = await start({ staticDir: dir });
    const agent = new Agent(server.url);
    for (const path of ['/../pkh-outside-secret.txt', '/%2e%2e/pkh-outside-secret.txt', '/assets/..%2f..%2fpkh-outside-secret.txt', '/assets/%2e%2e%5c%2e%2e%5cpkh-outside-secret.txt', '/assets/%00.js', '/assets/']) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('secret');
    }
  });
});

describe('harness mount', () => {
  it('passes POST /api/harness/:channel to the mount and answers its reply', async () => {
    const calls: unknown[] = [];
    const server = await start({
      harness: {
        authenticate: (token) => (token === 'good' ? { name: 'tester', role: 'viewer' } : undefined),
        handle: async (channel, input, caller) => {
          calls.push([channel, input, caller.name]);
          return channel === 'users.list' ? { ok: true, value: [] } : { ok: false, error: { code: 'NOT_FOUND', message: 'no such channel' } };
        },
      },
    });
    const agent = new Agent(server.url, { headers: { authorization: 'Bearer good' } });
    const ok = await agent.post('/api/harness/users.list', { query: 'y' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, value: [] });
    const missing = await agent.post('/api/harness/nope.nope', {});
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' }, code: 'NOT_FOUND' });
    expect(calls).toEqual([
      ['users.list', { query: 'y' }, 'tester'],
      ['nope.nope', {}, 'tester'],
    ]);
  });

  it('answers 401 AUTH_REQUIRED without a bearer token or with an unknown one, before calling the mount', async () => {
    const calls: unknown[] = [];
    const server = await start({
      harness: {
        authenticate: (token) => (token === 'good' ? { name: 'tester', role: 'operator' } : undefined),
        handle: async (channel) => (calls.push(channel), { ok: true, value: [] }),
      },
    });
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic good' }] as Record<string, string>[]) {
      const res = await new Agent(server.url, { headers }).post('/api/harness/users.list', {});
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ ok: false, code: 'AUTH_REQUIRED', error: { code: 'AUTH_REQUIRED' } });
    }
    expect(calls).toEqual([]);
  });
});
