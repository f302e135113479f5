// @peculiar/x509 (pulled in by the authenticator's attestation CA) needs the Reflect polyfill first.
import 'reflect-metadata';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createAuthenticator, nobleBackend, nodeBackend } from '../authenticator/index.js';
import { createClient, type Client } from '../client/index.js';
import { HarnessError } from '../errors.js';
import { systemRandom, type Random } from '../random.js';
import { toBase64url, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '../webauthn/index.js';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  baseUrl: string;
  users: number;
  concurrency: number;
  backend: 'node' | 'noble';
  /** Virtual users that finished enrolment and login. */
  completed: number;
  failed: number;
  /** Account, password login and email step-up (not part of the throughput figure). */
  prepare: { ms: number; requests: number };
  /** The passkey phase: registration options → create → verify, login options → get → verify. */
  ceremonies: { ms: number; requests: number; enrolLoginPerSecond: number; requestsPerSecond: number; latencyMs: LatencySummary };
  /** Per route of the passkey phase. */
  routes: Record<string, LatencySummary>;
  /** HTTP status → count, over every request. */
  statuses: Record<string, number>;
  /** Error code → count (`{ code }` of the reply, or `HTTP_<status>` / `NETWORK`). */
  errors: Record<string, number>;
}

/** A step that failed: the virtual user stops there. */
class StepFailed extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? 0) };
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/**
 * Enrols and logs in `users` virtual users against a harness server over HTTP, `concurrency`
 * at a time, the way the customer pages do it: account (harness channel `users.create`),
 * password login, email step-up (code read through `mailbox.list`), then the passkey phase —
 * registration options → authenticator → verify, and login options → authenticator → verify.
 * The passkey phase starts once every user is prepared, so its throughput and latencies are
 * not mixed with password hashing. Only loopback targets are accepted.
 *
 * @example
 * const report = await runLoad({ baseUrl: server.url, users: 200, concurrency: 8 });
 * report.ceremonies.enrolLoginPerSecond; report.ceremonies.latencyMs.p99; report.errors;
 */
export async function runLoad(options: {
  /** `http://localhost:PORT` of a harness server (`pkh serve`, or `startLoadServer`). */
  baseUrl: string;
  users: number;
  concurrency: number;
  /** Crypto backend of the virtual phones (default node: the client side should not be the bottleneck). */
  backend?: 'node' | 'noble';
  /** Device profile of the virtual phones (default iphone-icloud). */
  profile?: string;
  /** Prefix of the virtual users' login IDs; default random, so runs against one server do not collide. */
  prefix?: string;
  random?: Random;
  /** Harness bearer token (`pkh serve` requires one on /api/harness/*; the load server does not). */
  token?: string;
}): Promise<LoadReport> {
  const { users, concurrency, backend = 'node', profile = 'iphone-icloud', random = systemRandom } = options;
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' || !isLoopback(base)) throw new HarnessError('INVALID_INPUT', `load runs only against loopback http (localhost / 127.0.0.1), got ${options.baseUrl}`);
  if (!Number.isInteger(users) || users < 1) throw new HarnessError('INVALID_INPUT', `users must be a positive integer, got ${users}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new HarnessError('INVALID_INPUT', `concurrency must be a positive integer, got ${concurrency}`);
  const origin = base.origin;
  const prefix = options.prefix ?? `load-${toBase64url(random.bytes(6)).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const routeSamples: Record<string, number[]> = {};
  const ceremonySamples: number[] = [];
  let phase: 'prepare' | 'ceremonies' = 'prepare';
  const requests = { prepare: 0, ceremonies: 0 };

  function send(method: 'GET' | 'POST', path: string, body: unknown, cookies: Map<string, string>): Promise<{ status: number; json: unknown }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json', origin, 'x-harness-csrf': '1' };
    if (options.token && path.startsWith('/api/harness/')) headers.authorization = `Bearer ${options.token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL(path, base), { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          for (const line of res.headers['set-cookie'] ?? []) {
            const pair = line.split(';')[0]!;
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq).trim();
            const value = pair.slice(eq + 1).trim();
            if (value === '' || /max-age=0/i.test(line)) cookies.delete(name);
            else cookies.set(name, value);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async function call<T = unknown>(route: string, method: 'GET' | 'POST', path: string, body: unknown, cookies: Map<string, string>): Promise<T> {
    const start = performance.now();
    let reply;
    try {
      reply = await send(method, path, body, cookies);
    } catch {
      errors.NETWORK = (errors.NETWORK ?? 0) + 1;
      throw new StepFailed('NETWORK');
    }
    const ms = performance.now() - start;
    requests[phase]++;
    statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
    if (phase === 'ceremonies') {
      ceremonySamples.push(ms);
      (routeSamples[route] ??= []).push(ms);
    }
    if (reply.status < 200 || reply.status >= 300) {
      const body = reply.json as { code?: unknown } | undefined;
      const code = typeof body?.code === 'string' ? body.code : `HTTP_${reply.status}`;
      errors[code] = (errors[code] ?? 0) + 1;
      throw new StepFailed(code);
    }
    // The server's JSON, typed by the caller's route (its shape is core/http's contract).
    return reply.json as T;
  }

  interface VirtualUser {
    loginId: string;
    cookies: Map<string, string>;
    client: Client;
    ok: boolean;
  }
  const vus: VirtualUser[] = [];
  for (let i = 0; i < users; i++) {
    const authenticator = createAuthenticator({ profile, backend: backend === 'node' ? nodeBackend : nobleBackend, random });
    vus.push({ loginId: `${prefix}-${i}`, cookies: new Map(), client: createClient({ authenticator, origin }), ok: true });
  }

  async function prepare(vu: VirtualUser) {
    const email = `${vu.loginId}@load.example`;
    const password = `pw-${vu.loginId}`;
    await call('users.create', 'POST', '/api/harness/users.create', { username: vu.loginId, password, emails: [email] }, vu.cookies);
    await call('login', 'POST', '/api/login', { loginId: vu.loginId, password }, vu.cookies);
    const { emails } = await call<{ emails: { emailId: number }[] }>('emails', 'GET', '/api/emails', undefined, vu.cookies);
    await call('step-up/email', 'POST', '/api/step-up/email', { emailId: emails[0]?.emailId }, vu.cookies);
    const mail = await call<{ value?: { text?: string }[] }>('mailbox.list', 'POST', '/api/harness/mailbox.list', { to: email, limit: 1 }, vu.cookies);
    const code = /\b(\d{6})\b/.exec(String(mail?.value?.[0]?.text ?? ''))?.[1];
    if (!code) {
      errors.NO_CODE = (errors.NO_CODE ?? 0) + 1;
      throw new StepFailed('NO_CODE');
    }
    await call('step-up/verify', 'POST', '/api/step-up/verify', { code }, vu.cookies);
  }

  async function ceremonies(vu: VirtualUser) {
    const reg = await call<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }>('registration/options', 'POST', '/api/passkeys/registration/options', {}, vu.cookies);
    const attestation = await authenticatorStep(() => vu.client.create(reg.options));
    await call('registration/verify', 'POST', '/api/passkeys/registration/verify', { ceremonyId: reg.ceremonyId, response: attestation }, vu.cookies);
    const auth = await call<{ ceremonyId: string; options: PublicKeyCredentialRequestOptionsJSON }>('login/options', 'POST', '/api/passkeys/login/options', { loginId: vu.loginId }, vu.cookies);
    const assertion = await authenticatorStep(() => vu.client.get(auth.options));
    await call('login/verify', 'POST', '/api/passkeys/login/verify', { ceremonyId: auth.ceremonyId, response: assertion }, vu.cookies);
  }

  async function authenticatorStep<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const code = error instanceof HarnessError ? `CLIENT_${error.code}` : 'CLIENT_ERROR';
      errors[code] = (errors[code] ?? 0) + 1;
      throw new StepFailed(code);
    }
  }

  async function pool(work: (vu: VirtualUser) => Promise<void>): Promise<number> {
    const start = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < vus.length) {
        const vu = vus[next++]!;
        if (!vu.ok) continue;
        try {
          await work(vu);
        } catch (error) {
          if (!(error instanceof StepFailed)) throw error;
          vu.ok = false;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, vus.length) }, lane));
    return performance.now() - start;
  }

  try {
    const prepareMs = await pool(prepare);
    phase = 'ceremonies';
    const ceremoniesMs = await pool(ceremonies);
    const completed = vus.filter((vu) => vu.ok).length;
    const routes: Record<string, LatencySummary> = {};
    for (const [route, samples] of Object.entries(routeSamples)) routes[route] = summarize(samples);
    return {
      baseUrl: origin,
      users,
      concurrency,
      backend,
      completed,
      failed: users - completed,
      prepare: { ms: Math.round(prepareMs), requests: requests.prepare },
      ceremonies: {
        ms: Math.round(ceremoniesMs),
        requests: requests.ceremonies,
        enrolLoginPerSecond: Math.round((completed * 1000 * 100) / Math.max(ceremoniesMs, 1e-6)) / 100,
        requestsPerSecond: Math.round((requests.ceremonies * 1000 * 100) / Math.max(ceremoniesMs, 1e-6)) / 100,
        latencyMs: summarize(ceremonySamples),
      },
      routes,
      statuses,
      errors,
    };
  } finally {
    agent.destroy();
  }
}
