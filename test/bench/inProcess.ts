// @peculiar/x509 (the authenticator's attestation CA) needs the Reflect polyfill first.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CryptoBackend } from '../../core/authenticator/crypto/backend.js';
import type { Client } from '../../core/client/index.js';
import type { SqliteDriver, Store } from '../../core/store/index.js';
import { built } from './built.js';

// The compiled core, as the CLI and server run it (built.ts says why not the sources).
const { createAuthenticator } = await built<typeof import('../../core/authenticator/createAuthenticator.js')>('core/authenticator/createAuthenticator.js');
const { nodeBackend } = await built<typeof import('../../core/authenticator/crypto/node.js')>('core/authenticator/crypto/node.js');
const { createClient } = await built<typeof import('../../core/client/index.js')>('core/client/index.js');
const { createRelyingParty } = await built<typeof import('../../core/rp/index.js')>('core/rp/index.js');
const { openStore } = await built<typeof import('../../core/store/index.js')>('core/store/index.js');

export const ORIGIN = 'http://localhost:8787';

/** Wall time of `count` sequential runs of `fn(i)` → ops/s. */
export async function timeFixed(count: number, fn: (i: number) => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await fn(i);
  return (count * 1000) / (performance.now() - start);
}

export interface Prepared {
  loginId: string;
  sessionId: string;
  client: Client;
}

/**
 * The real RP over a SQLite file in a temp directory (WAL, synchronous=NORMAL: the durable
 * store), with accounts already past password login and the email step-up, so a measurement
 * covers only the passkey ceremonies. scrypt cost 1024, as in the tests.
 */
export async function inProcessRp(opts: { backend?: CryptoBackend; before?: (store: Store) => void; driver?: (path: string) => SqliteDriver; memory?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-bench-'));
  // `memory`: SQLite's :memory: database, nothing durable (sections/floor.ts: a bound, not a configuration).
  const path = opts.memory ? ':memory:' : join(dir, 'bench.sqlite');
  const store: Store = openStore({ path, ...(opts.driver ? { driver: opts.driver(path) } : {}) });
  opts.before?.(store);
  const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'bench', origins: [ORIGIN], policy: { scryptCost: 1024 } });
  const backend = opts.backend ?? nodeBackend;
  let n = 0;

  async function prepare(count: number): Promise<Prepared[]> {
    const out: Prepared[] = [];
    for (let i = 0; i < count; i++) {
      const loginId = `bench-${n++}`;
      const email = `${loginId}@bench.example`;
      await rp.createAccount({ loginId, password: 'pw', tradingPassword: 'tpw', displayName: loginId, emails: [email] });
      const { sessionId } = await rp.login({ loginId, password: 'pw' });
      const { emails } = await rp.listEmails({ sessionId });
      await rp.sendStepUpEmail({ sessionId, emailId: emails[0]!.emailId });
      const { messages } = await rp.listMail({ to: email });
      const code = /\b(\d{6})\b/.exec(messages[0]!.text)![1]!;
      const stepped = await rp.verifyStepUp({ sessionId, code });
      out.push({ loginId, sessionId: stepped.sessionId, client: createClient({ authenticator: createAuthenticator({ profile: 'iphone-icloud', backend }), origin: ORIGIN }) });
    }
    return out;
  }

  async function enrol(u: Prepared) {
    const { ceremonyId, options } = await rp.startRegistration({ sessionId: u.sessionId });
    const response = await u.client.create(options);
    await rp.finishRegistration({ sessionId: u.sessionId, ceremonyId, response });
  }

  async function login(u: Prepared) {
    const { ceremonyId, options } = await rp.startLogin({ loginId: u.loginId });
    const response = await u.client.get(options);
    await rp.finishLogin({ ceremonyId, response });
  }

  return {
    rp,
    store,
    prepare,
    enrol,
    login,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Enrol + logins a process runs before any in-process figure is taken. V8 keeps optimising for
 * thousands of iterations: ours ran 515/s after 30, 603/s after 600 and 660/s after 2,400, and peer (1)
 * 566 → 686 → 767/s (one process, interleaved, 2026-12-01), so a short warm-up measured a start-up
 * phase no server stays in, and favoured whichever flow warms faster. Once per process (JIT state is
 * per process, not per store); peer (1) gets the same count (sections/peers.ts).
 */
export const WARMUP_ITERATIONS = 1500;
let warmed: Promise<void> | undefined;

export function warmInProcess(): Promise<void> {
  warmed ??= (async () => {
    const fixture = await inProcessRp();
    try {
      for (const u of await fixture.prepare(WARMUP_ITERATIONS)) {
        await fixture.enrol(u);
        await fixture.login(u);
      }
    } finally {
      fixture.close();
    }
  })();
  return warmed;
}

/** Enrol + login per second in process (options → create → verify → store, then login), at steady state. */
export async function inProcessEnrolLoginRate(count = 300, backend?: CryptoBackend, before?: (store: Store) => void): Promise<number> {
  await warmInProcess();
  const fixture = await inProcessRp({ backend, ...(before ? { before } : {}) });
  try {
    // This store's statements and pages.
    const warm = await fixture.prepare(30);
    for (const u of warm) {
      await fixture.enrol(u);
      await fixture.login(u);
    }
    const users = await fixture.prepare(count);
    return await timeFixed(count, async (i) => {
      await fixture.enrol(users[i]!);
      await fixture.login(users[i]!);
    });
  } finally {
    fixture.close();
  }
}
