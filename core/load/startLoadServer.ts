import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindHarness, handleHarnessCall, type HarnessImplementation } from '../harness/index.js';
import { createHttpServer, type RateLimitRule } from '../http/index.js';
import { createRelyingParty } from '../rp/index.js';
import { openStore } from '../store/index.js';

export interface LoadServerOptions {
  /** SQLite file; default a fresh file in a temp directory (removed on close), so writes are durable as in production. */
  dbPath?: string;
  /** Loopback only: the load generator must never aim at another host. */
  host?: '127.0.0.1' | 'localhost';
  /** Default: limits high enough that a load run measures throughput, not the limiter. */
  rateLimits?: { perIp?: RateLimitRule; perAccount?: RateLimitRule };
  /** scrypt cost of login passwords; default 1024 (as the tests use), since password hashing is not what a load run measures. */
  scryptCost?: number;
  /** Pages to serve (core/http `staticDir`); default none: a load run needs only the JSON API. */
  staticDir?: string | null;
}

export interface LoadServer {
  url: string;
  port: number;
  dbPath: string;
  close(): Promise<void>;
}

/** Per-IP and per-account limits that a load of a few thousand virtual users on one IP stays under. */
export const LOAD_RATE_LIMITS = { perIp: { limit: 1_000_000, windowMs: 60_000 }, perAccount: { limit: 1_000, windowMs: 60_000 } } as const;

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The server a load run aims at when none is given: real store (SQLite file), real RP, real
 * core/http, plus the two harness channels a virtual user needs to exist and to read its
 * emailed code (`users.create`, `mailbox.list`), with the same shapes as `pkh serve` offers.
 */
export async function startLoadServer(options: LoadServerOptions = {}): Promise<LoadServer> {
  const { host = '127.0.0.1', rateLimits = LOAD_RATE_LIMITS, scryptCost = 1024 } = options;
  const tempDir = options.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'pkh-load-'));
  const dbPath = options.dbPath ?? join(tempDir!, 'load.sqlite');
  const port = await freePort(host);
  const url = `http://localhost:${port}`;
  const store = openStore({ path: dbPath });
  const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'passkey-harness load', origins: [url, `http://127.0.0.1:${port}`], policy: { scryptCost } });
  const channels = bindHarness({
    async 'users.create'({ username, password, displayName, emails }: { username: string; password: string; displayName?: string; emails: string[] }) {
      const created = await rp.createAccount({ loginId: username, password, tradingPassword: `${password}-trading`, displayName: displayName ?? username, emails });
      return { username: created.loginId, displayName: displayName ?? username, emails, locked: false, lockedUntil: null, otpEnrolled: false, passkeyCount: 0 };
    },
    async 'mailbox.list'({ to, limit }: { to?: string; limit?: number }) {
      const { messages } = await rp.listMail(to === undefined ? {} : { to });
      const sorted = [...(messages as { id: number; to: string; subject: string; text: string; createdAt: number }[])].sort((x, y) => y.id - x.id);
      return sorted.slice(0, limit ?? sorted.length).map((m) => ({ id: String(m.id), to: m.to, subject: m.subject, text: m.text, sentAt: new Date(m.createdAt).toISOString() }));
    },
    // Only the two channels a virtual user needs; any other answers INTERNAL, as before.
  } as unknown as HarnessImplementation);
  const server = createHttpServer({ rp, staticDir: options.staticDir ?? null, rateLimits, harness: {
      // Open on purpose: a throwaway database on loopback, and neither channel is an admin action.
      authenticate: () => ({ name: 'load', role: 'operator' }),
      handle: (channel, input) => handleHarnessCall(channels, channel, input),
    },
  });
  let listening;
  try {
    listening = await server.listen({ port, host: '127.0.0.1' });
  } catch (error) {
    store.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: listening.url,
    port,
    dbPath,
    close: async () => {
      await listening.close();
      store.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
