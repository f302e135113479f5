import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../core/http/index.js';
import { Agent, startTestServer, type TestServer } from './support.js';

/**
 * Request bodies as a hostile client writes them, byte for byte over loopback: what JSON.parse
 * forgives (duplicate names, invalid UTF-8 turned into U+FFFD) and what a later walk of the body
 * could not survive (nesting), each answered with a typed 4xx before any route runs.
 */
const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function start() {
  const s = await startTestServer();
  servers.push(s);
  await s.rp.createAccount({ loginId: 'yamada', password: 'login-pass-1', tradingPassword: 'trade-pass-1', displayName: '山田 太郎', emails: ['taro@example.jp'] });
  return s;
}

/** One POST with exactly these body bytes; `chunked` sends them in pieces without a Content-Length. */
function post(s: TestServer, path: string, body: string | Uint8Array, opts: { type?: string; chunked?: boolean } = {}): Promise<{ status: number; body: any }> {
  const url = new URL(s.url);
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  const headers: Record<string, string | number> = { host: url.host, origin: s.url, 'x-harness-csrf': '1', 'content-type': opts.type ?? 'application/json' };
  if (!opts.chunked) headers['content-length'] = bytes.length;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, path, method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(parts).toString('utf8')) }));
    });
    req.on('error', reject);
    if (opts.chunked) {
      for (let i = 0; i < bytes.length; i += 1000) req.write(bytes.subarray(i, i + 1000));
      req.end();
    } else req.end(bytes);
  });
}

const LOGIN = '{"loginId":"yamada","password":"login-pass-1"}';

describe('hostile request bodies (RFC 8259)', () => {
  it('a member name twice in one object is INVALID_INPUT, whichever copy is genuine, escaped or not', async () => {
    const s = await start();
    const sessions = () => s.store.driver.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number };
    for (const body of [
      '{"loginId":"evil","loginId":"yamada","password":"login-pass-1"}',
      '{"loginId":"yamada","password":"x","password":"login-pass-1"}',
      '{"loginId":"yamada","\\u0070assword":"x","password":"login-pass-1"}',
    ]) {
      const reply = await post(s, '/api/login', body);
      expect([reply.status, reply.body.code], body).toEqual([400, 'INVALID_INPUT']);
      expect(reply.body.message).toMatch(/more than once/);
    }
    expect(sessions().n).toBe(0);
    // Nested too: two "response" members, or two "id"s inside it, never reach the RP.
    for (const body of ['{"ceremonyId":"a","response":{},"response":{}}', '{"ceremonyId":"a","response":{"id":"AA","id":"AB"}}', '{"ceremonyId":"a","ceremonyId":"b","response":{}}']) {
      const reply = await post(s, '/api/passkeys/login/verify', body);
      expect([reply.status, reply.body.code, reply.body.message], body).toEqual([400, 'INVALID_INPUT', expect.stringMatching(/more than once/)]);
    }
    // The same name in different objects, or in an array, is not a duplicate.
    expect((await post(s, '/api/login', LOGIN)).status).toBe(200);
  });

  it('invalid UTF-8 (an overlong "/", a lone continuation byte, a UTF-16 body) is INVALID_INPUT, not U+FFFD', async () => {
    const s = await start();
    const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    for (const body of [bytes('{"loginId":"yam', [0xc0, 0xaf], '","password":"x"}'), bytes('{"loginId":"', [0x80], '","password":"x"}'), bytes('{"loginId":"', [0xed, 0xa0, 0x80], '","password":"x"}')]) {
      const reply = await post(s, '/api/login', body);
      expect([reply.status, reply.body.code, reply.body.message]).toEqual([400, 'INVALID_INPUT', 'Request body is not UTF-8']);
    }
    expect((await post(s, '/api/login', Buffer.from(LOGIN, 'utf16le'), { type: 'application/json; charset=utf-16le' })).body.code).toBe('INVALID_INPUT');
    // RFC 8259 §8.1: a parser may ignore a leading BOM; we do.
    expect((await post(s, '/api/login', `\ufeff${LOGIN}`)).status).toBe(200);
  });

  it('nesting deeper than 32 levels is INVALID_INPUT, with or without a lone surrogate escape after it (was a 500)', async () => {
    const s = await start();
    const deep = (n: number, inner = '1') => '['.repeat(n) + inner + ']'.repeat(n);
    for (const body of [
      `{"loginId":"a","password":"x","z":${deep(20_000)},"w":"\\ud800"}`,
      `{"loginId":"a","password":"x","z":${deep(20_000, '"\\ud800"')}}`,
      `{"loginId":"a","password":"x","z":${deep(33)}}`,
      `{"loginId":"a","password":"x","z":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`,
    ]) {
      const reply = await post(s, '/api/login', body);
      expect([reply.status, reply.body.code, reply.body.message], body.slice(0, 60)).toEqual([400, 'INVALID_INPUT', 'Request body nests deeper than 32 levels']);
    }
    // 31 levels inside the body object (32 in all) are within the bound: the route answers.
    expect((await post(s, '/api/login', `{"loginId":"a","password":"x","z":${deep(31)}}`)).body.code).toBe('LOGIN_FAILED');
  });

  it('a chunked body over the limit is 413 PAYLOAD_TOO_LARGE; a chunked body under it is read (already so)', async () => {
    const s = await start();
    const big = await post(s, '/api/login', `{"loginId":"${'a'.repeat(70_000)}","password":"x"}`, { chunked: true });
    expect([big.status, big.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await post(s, '/api/login', LOGIN, { chunked: true })).status).toBe(200);
  });

  it('in process (fetch, as Electron calls it) a streamed body is bounded too: over the limit 413, under it read', async () => {
    const s = await start();
    const server = createHttpServer({ rp: s.rp, staticDir: null, origins: [s.url] });
    const streamed = (text: string) => {
      const bytes = Buffer.from(text);
      // No Content-Length: the limit can only be kept while the stream is read.
      return new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.subarray(i, i + 1000));
          controller.close();
        },
      });
    };
    const call = async (text: string) => {
      const reply = await server.fetch(new Request(`${s.url}/api/login`, { method: 'POST', headers: { origin: s.url, 'x-harness-csrf': '1', 'content-type': 'application/json' }, body: streamed(text), duplex: 'half' } as RequestInit));
      return [reply.status, ((await reply.json()) as { code?: string }).code];
    };
    expect(await call(`{"loginId":"${'a'.repeat(70_000)}","password":"x"}`)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await call(LOGIN))[0]).toBe(200);
  });

  it('"__proto__" and "constructor" members pollute nothing and smuggle no field (already so)', async () => {
    const s = await start();
    const smuggled = await post(s, '/api/login', '{"__proto__":{"password":"login-pass-1"},"loginId":"yamada"}');
    expect([smuggled.status, smuggled.body.code]).toEqual([400, 'INVALID_INPUT']);
    expect((await post(s, '/api/login', '{"constructor":{"prototype":{"polluted":1}},"loginId":"yamada","password":"login-pass-1"}')).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The Agent (fetch) path still works after all of it.
    expect((await new Agent(s.url).post('/api/login', { loginId: 'yamada', password: 'login-pass-1' })).status).toBe(200);
  });
});
