// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../core/harness/startServer.js';
import { hostAllowlist } from '../../../core/http/checkHost.js';
import { CSRF_HEADER } from '../../../core/http/index.js';

/** A raw HTTP/1.1 request with the Host header we choose (fetch will not send a forged one). */
function raw(port: number, { method = 'GET', path, host, headers = {}, body }: { method?: string; path: string; host: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host, ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let dir = '';
let server: RunningServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pkh-hosts-'));
  // Stand-in pages: which file answers is what matters here.
  mkdirSync(join(dir, 'pages', 'customer'), { recursive: true });
  mkdirSync(join(dir, 'pages', 'console'), { recursive: true });
  writeFileSync(join(dir, 'pages', 'customer', 'index.html'), '<!doctype html><title>customer</title>');
  writeFileSync(join(dir, 'pages', 'console', 'index.html'), '<!doctype html><title>console</title>');
  server = await startServer({ dbPath: ':memory:', staticDir: join(dir, 'pages'), actor: { name: 'cli:tester', role: 'operator' } });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const harnessCall = (host: string, channel = 'harness.info', port = server.port) =>
  raw(port, { method: 'POST', path: `/api/harness/${channel}`, host, headers: { authorization: `Bearer ${server.operator.token}`, origin: server.url, [CSRF_HEADER]: '1' }, body: '{}' });

describe('Host allowlist (DNS rebinding)', () => {
  it('answers localhost, 127.0.0.1 and [::1] on its own port', async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) {
      expect((await harnessCall(host)).status, host).toBe(200);
    }
  });

  it('refuses Host: evil.example (a rebound name) with 421 HOST_REJECTED on the API and on pages, even with a valid token', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `localhost.evil.example:${server.port}`, `localhost:${server.port + 1}`]) {
      const api = await harnessCall(host);
      expect([host, api.status]).toEqual([host, 421]);
      expect(JSON.parse(api.body)).toMatchObject({ code: 'HOST_REJECTED' });
      expect(api.body).not.toContain('cli:tester');
      const page = await raw(server.port, { path: '/console/', host });
      expect(page.status, host).toBe(421);
      expect(page.body).not.toContain('<title>console</title>');
    }
    expect((await raw(server.port, { path: '/api/session', host: 'evil.example' })).status).toBe(421);
  });
});

describe('Host allowlist: absolute-form request targets', () => {
  it('judges `GET http://evil.example/` by its authority, not by the Host header beside it (RFC 9112 §3.2.2)', async () => {
    const host = `localhost:${server.port}`;
    for (const path of ['http://evil.example/', `http://evil.example:${server.port}/console/`, 'http://evil.example/api/session']) {
      const res = await raw(server.port, { path, host });
      expect(res.status, path).toBe(421);
      expect(res.body).not.toContain('<title>');
    }
    expect((await raw(server.port, { path: `http://${host}/`, host })).status).toBe(200);
  });
});

describe("the console's phone frames: customer pages on their own origin", () => {
  it('harness.info names the frame origin, a second loopback port, and the console may frame it', async () => {
    expect(server.phoneFrameUrl).toMatch(/^http:\/\/localhost:\d+$/);
    expect(server.phoneFrameUrl).not.toBe(server.url);
    const info = JSON.parse((await harnessCall(`localhost:${server.port}`)).body) as { value: { phoneFrameOrigin: string } };
    expect(info.value.phoneFrameOrigin).toBe(server.phoneFrameUrl);
    const consolePage = await raw(server.port, { path: '/console/', host: `localhost:${server.port}` });
    expect(String(consolePage.headers['content-security-policy'])).toContain(`frame-src 'self' ${server.phoneFrameUrl}`);
  });

  it('serves customer pages and the customer API there, but neither the console nor the harness channels', async () => {
    const port = Number(new URL(server.phoneFrameUrl!).port);
    const host = `localhost:${port}`;
    const page = await raw(port, { path: '/', host });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>customer</title>');
    // Only the console may frame it.
    expect(String(page.headers['content-security-policy'])).toContain(`frame-ancestors ${server.url}`);
    for (const path of ['/console/', '/console/index.html', '/%63onsole/', '//console/']) {
      const res = await raw(port, { path, host });
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('<title>console</title>');
    }
    const harness = await raw(port, { method: 'POST', path: '/api/harness/users.list', host, headers: { authorization: `Bearer ${server.operator.token}`, origin: server.phoneFrameUrl!, [CSRF_HEADER]: '1' }, body: '{}' });
    expect(harness.status).toBe(404);
    expect(harness.body).not.toContain('demo');
    const login = await raw(port, { method: 'POST', path: '/api/login', host, headers: { origin: server.phoneFrameUrl!, [CSRF_HEADER]: '1' }, body: JSON.stringify({ loginId: 'demo', password: 'password' }) });
    expect(login.status).toBe(200);
    // Its own Host allowlist: the console's port is not its name.
    expect((await raw(port, { path: '/', host: `evil.example:${port}` })).status).toBe(421);
  });
});

describe('Host allowlist behind a configured origin (a reverse proxy)', () => {
  const verdict = (list: ReturnType<typeof hostAllowlist>, host: string) => {
    try {
      list.check(host);
      return 'ok';
    } catch (error) {
      return (error as { code: string }).code;
    }
  };

  it('accepts the bare name a browser sends for https://NAME (RFC 9110 §7.2: default port omitted) and NAME:443, not NAME:80', () => {
    const list = hostAllowlist(['https://harness.example']);
    list.listening(8787);
    expect(verdict(list, 'harness.example')).toBe('ok');
    expect(verdict(list, 'HARNESS.example:443')).toBe('ok');
    expect(verdict(list, 'harness.example:80')).toBe('HOST_REJECTED');
    expect(verdict(list, 'harness.example:8787')).toBe('HOST_REJECTED');
    expect(verdict(list, 'evil.example')).toBe('HOST_REJECTED');
    // The loopback names still need the listening port: a bare `localhost` is port 80, not this server.
    expect(verdict(list, 'localhost:8787')).toBe('ok');
    expect(verdict(list, 'localhost')).toBe('HOST_REJECTED');
  });

  it('accepts NAME and NAME:80 for http://NAME, and a bare loopback name only when listening on 80', () => {
    const list = hostAllowlist(['http://harness.example']);
    list.listening(80);
    for (const host of ['harness.example', 'harness.example:80', 'localhost', '127.0.0.1:80', '[::1]']) expect(verdict(list, host), host).toBe('ok');
    for (const host of ['harness.example:443', 'localhost:8080', 'localhost.evil.example']) expect(verdict(list, host), host).toBe('HOST_REJECTED');
  });
});
