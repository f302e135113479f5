// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { createServer } from 'node:net';
import { ManualClock } from '../../../core/clock.js';
import { createHttpServer, type HttpServerOptions, type ListeningServer } from '../../../core/http/index.js';
import { createRelyingParty } from '../../../core/rp/index.js';
import { openStore, type Store } from '../../../core/store/index.js';

/** A free loopback port: the RP's origin must name the port before the server listens on it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface TestServer extends ListeningServer {
  rp: ReturnType<typeof createRelyingParty>;
  store: Store;
  clock: ManualClock;
  close(): Promise<void>;
}

/** Real store (in memory), real RP, real HTTP on loopback. */
export async function startTestServer(opts: Partial<Omit<HttpServerOptions, 'rp'>> & { staticDir?: string | null } = {}): Promise<TestServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const clock = new ManualClock(Date.now());
  const store = openStore({ path: ':memory:' });
  // The default scrypt cost (2^17) would spend ~0.3 s per customer; hashing is not what these tests exercise.
  const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'ワイエム証券', origins: [url], clock, policy: { scryptCost: 1024 } });
  const server = createHttpServer({ rp, staticDir: null, ...opts });
  const listening = await server.listen({ port });
  return {
    ...listening,
    rp,
    store,
    clock,
    close: async () => {
      await listening.close();
      store.close();
    },
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A customer agent: keeps its cookies like a browser would (per slot), sends the Origin and
 * CSRF header that the customer pages send.
 */
export class Agent {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    readonly opts: { slot?: string; origin?: string | null; csrf?: boolean; headers?: Record<string, string> } = {},
  ) {}

  async request<T = any>(method: 'GET' | 'POST', path: string, body?: unknown, extra: RequestInit & { rawBody?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers };
    if (this.opts.origin !== null) headers.origin = this.opts.origin ?? this.baseUrl;
    if (this.opts.csrf !== false) headers['x-harness-csrf'] = '1';
    if (this.opts.slot) headers['x-harness-slot'] = this.opts.slot;
    if (body !== undefined || extra.rawBody !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { ...headers, ...(extra.headers as Record<string, string> | undefined) },
      body: extra.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Pages and assets are not JSON; tests look at the text.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
}

/** The latest 6-digit code mailed to `to` (the captured mailbox). */
export function latestCode(store: Store, to: string): string {
  const messages = store.outbox.list({ to });
  for (const m of messages) {
    const match = /\b(\d{6})\b/.exec(m.text);
    if (match) return match[1]!;
  }
  throw new Error(`no code mailed to ${to}`);
}
