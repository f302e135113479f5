import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../core/authenticator/index.js';
import { createClient } from '../../core/client/index.js';
import { ManualClock } from '../../core/clock.js';
import { createHttpServer, type ListeningServer } from '../../core/http/index.js';
import { createRelyingParty } from '../../core/rp/index.js';
import { openStore, type Store } from '../../core/store/index.js';
import { toBase64url } from '../../core/webauthn/base64url.js';
import { openTestCeremony, sealTestCeremony } from '../support/ceremonies.js';
import { Agent, freePort, isTypedClientError } from './support.js';
import { latestCode, type Reply } from '../core/http/support.js';

/**
 * Review 9, feature 1: a registration ceremony handle is bound to its session's binding (migration 5).
 * A hostile client replays a handle across sessions, across a logout/login that reuses the session's
 * row ID in the same millisecond, after a step-up token rotation, through a second server on the same
 * file, and sends it truncated, re-encoded or with the sealed binding bytes flipped. Refusals are
 * CHALLENGE_NOT_FOUND (4xx, code and message only), store nothing and leave the owner's ceremony usable.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Server {
  url: string;
  store: Store;
  rp: ReturnType<typeof createRelyingParty>;
}

/** `count` RPs + HTTP servers on one SQLite file (the second is "another server on the same file"), one clock. */
async function servers(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-review9-'));
  const path = join(dir, 'shared.sqlite');
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 9, 0, 0));
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const urls = ports.map((p) => `http://localhost:${p}`);
  const out: Server[] = [];
  const listening: ListeningServer[] = [];
  for (const [i, port] of ports.entries()) {
    const store = openStore({ path });
    const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'ワイエム証券', origins: urls, clock, policy: { scryptCost: 1024 } });
    const loose = { limit: 1e9, windowMs: 60_000 };
    listening.push(await createHttpServer({ rp, staticDir: null, clock, origins: urls, rateLimits: { perIp: loose, perAccount: loose } }).listen({ port }));
    out.push({ url: urls[i]!, store, rp });
  }
  cleanups.push(async () => {
    for (const l of listening) await l.close();
    for (const s of out) s.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  out[0]!.rp.createAccount({ loginId: 'yamada', password: 'login-pass-1', tradingPassword: 'trade-pass-1', displayName: '山田 太郎', emails: ['taro@example.jp'] });
  out[0]!.rp.createAccount({ loginId: 'tanaka', password: 'login-pass-2', tradingPassword: 'trade-pass-2', displayName: '田中 花子', emails: ['hanako@example.jp'] });
  return { servers: out, clock };
}

const PASSWORDS: Record<string, string> = { yamada: 'login-pass-1', tanaka: 'login-pass-2' };
const MAIL: Record<string, string> = { yamada: 'taro@example.jp', tanaka: 'hanako@example.jp' };

async function login(server: Server, loginId: string): Promise<Agent> {
  const agent = new Agent(server.url);
  expect((await agent.post('/api/login', { loginId, password: PASSWORDS[loginId] })).status).toBe(200);
  return agent;
}

async function stepUp(server: Server, agent: Agent, loginId: string): Promise<void> {
  const emails = await agent.get('/api/emails');
  expect((await agent.post('/api/step-up/email', { emailId: emails.body.emails[0].emailId })).status).toBe(200);
  expect((await agent.post('/api/step-up/verify', { code: latestCode(server.store, MAIL[loginId]!) })).status).toBe(200);
}

async function steppedUp(server: Server, loginId: string): Promise<Agent> {
  const agent = await login(server, loginId);
  await stepUp(server, agent, loginId);
  return agent;
}

let devices = 0;
async function start(agent: Agent, url: string) {
  const client = createClient({ authenticator: createAuthenticator({ profile: 'iphone-icloud', seed: `review9-${++devices}` }), origin: url });
  const options = await agent.post('/api/passkeys/registration/options', {});
  expect(options.status).toBe(200);
  return { ceremonyId: options.body.ceremonyId as string, response: await client.create(options.body.options) };
}

function expectNotFound(reply: Reply): void {
  expect([reply.status, reply.body.code]).toEqual([400, 'CHALLENGE_NOT_FOUND']);
  expect(isTypedClientError(reply.status, reply.body)).toBe(true);
  expect(JSON.stringify(reply.body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}

const usedCeremonies = (store: Store) => Number((store.driver.prepare('SELECT COUNT(*) AS n FROM used_ceremonies').get() as { n: number }).n);

describe('registration handles across sessions (HTTP)', () => {
  it("refuses another customer's session the handle and response, stores nothing, and leaves the owner's ceremony usable", async () => {
    const { servers: [a] } = await servers(1);
    const yamada = await steppedUp(a!, 'yamada');
    const tanaka = await steppedUp(a!, 'tanaka');
    const started = await start(yamada, a!.url);
    const stolen = await tanaka.post('/api/passkeys/registration/verify', started);
    expectNotFound(stolen);
    expect(a!.store.passkeys.byCredentialId(started.response.id)).toBeUndefined();
    expect(usedCeremonies(a!.store)).toBe(0);
    const own = await yamada.post('/api/passkeys/registration/verify', started);
    expect([own.status, own.body.passkey?.name]).toEqual([200, 'パスキー 1']);
  });

  it("refuses the same customer's other live session (a second browser) the handle", async () => {
    const { servers: [a] } = await servers(1);
    const first = await steppedUp(a!, 'yamada');
    const second = await steppedUp(a!, 'yamada');
    const started = await start(first, a!.url);
    expectNotFound(await second.post('/api/passkeys/registration/verify', started));
    // Without a ceremonyId the second session has no registration of its own to finish.
    expectNotFound(await second.post('/api/passkeys/registration/verify', { response: started.response }));
    expect(a!.store.passkeys.byCredentialId(started.response.id)).toBeUndefined();
    expect((await first.post('/api/passkeys/registration/verify', started)).status).toBe(200);
  });

  it('refuses the handle after logout and a new login that gets the same session row ID in the same millisecond (with and without ceremonyId)', async () => {
    const { servers: [a] } = await servers(1);
    const before = await steppedUp(a!, 'yamada');
    const started = await start(before, a!.url);
    const oldRow = a!.store.sessions.listForAccount(1)[0]!;
    expect((await before.post('/api/logout', {})).status).toBe(200);
    const after = await steppedUp(a!, 'yamada');
    const newRow = a!.store.sessions.listForAccount(1)[0]!;
    // The premise: SQLite handed out the same row ID, and the clock has not moved.
    expect([newRow.id, newRow.createdAt]).toEqual([oldRow.id, oldRow.createdAt]);
    expectNotFound(await after.post('/api/passkeys/registration/verify', started));
    expectNotFound(await after.post('/api/passkeys/registration/verify', { response: started.response }));
    expect(a!.store.passkeys.byCredentialId(started.response.id)).toBeUndefined();
    expect(usedCeremonies(a!.store)).toBe(0);
  });

  it('keeps the handle across a step-up that rotates the session token (same session, same binding)', async () => {
    const { servers: [a] } = await servers(1);
    const agent = await steppedUp(a!, 'yamada');
    const started = await start(agent, a!.url);
    const token = agent.cookies.get('pkh_session');
    await stepUp(a!, agent, 'yamada');
    expect(agent.cookies.get('pkh_session')).not.toBe(token);
    // The old token no longer opens the session; the new one finishes the ceremony.
    const stale = new Agent(a!.url);
    stale.cookies.set('pkh_session', token!);
    expect((await stale.post('/api/passkeys/registration/verify', started)).status).toBe(401);
    expect((await agent.post('/api/passkeys/registration/verify', started)).status).toBe(200);
  });
});

describe('registration handles on a second server over the same file', () => {
  it("finishes the owner's ceremony there, refuses another session there, and refuses a replay back on the first server", async () => {
    const { servers: [a, b] } = await servers(2);
    const yamada = await steppedUp(a!, 'yamada');
    const tanaka = await steppedUp(b!, 'tanaka');
    const started = await start(yamada, a!.url);
    expectNotFound(await tanaka.post('/api/passkeys/registration/verify', started));
    const onB = new Agent(b!.url);
    onB.cookies.set('pkh_session', yamada.cookies.get('pkh_session')!);
    const finished = await onB.post('/api/passkeys/registration/verify', started);
    expect(finished.status).toBe(200);
    const replay = await yamada.post('/api/passkeys/registration/verify', started);
    expect([replay.status, replay.body.code]).toEqual([400, 'CHALLENGE_REPLAYED']);
    expect(a!.store.passkeys.listForAccount(1)).toHaveLength(1);
  });
});

describe('altered handles', () => {
  it('answers a truncated, extended, padded, re-cased or bit-flipped handle as CHALLENGE_NOT_FOUND and the genuine one still works', async () => {
    const { servers: [a] } = await servers(1);
    const agent = await steppedUp(a!, 'yamada');
    const started = await start(agent, a!.url);
    const h = started.ceremonyId;
    const flip = (i: number) => h.slice(0, i) + (h[i] === 'A' ? 'B' : 'A') + h.slice(i + 1);
    const altered = [h.slice(0, -1), h.slice(0, -4), h.slice(0, 20), `${h}A`, `${h}AAAA`, `${h}=`, `${h}==`, h.replace(/-/g, '+').replace(/_/g, '/'), h.toUpperCase(), flip(0), flip(16), flip(Math.floor(h.length / 2)), flip(h.length - 1), ` ${h}`];
    for (const bad of new Set(altered)) {
      if (bad === h) continue;
      expectNotFound(await agent.post('/api/passkeys/registration/verify', { ...started, ceremonyId: bad }));
    }
    expect(a!.store.passkeys.byCredentialId(started.response.id)).toBeUndefined();
    expect(usedCeremonies(a!.store)).toBe(0);
    expect((await agent.post('/api/passkeys/registration/verify', started)).status).toBe(200);
  });

  it("refuses a correctly sealed handle whose binding bytes are another session's or flipped, though the row ID matches", async () => {
    const { servers: [a] } = await servers(1);
    const agent = await steppedUp(a!, 'yamada');
    const started = await start(agent, a!.url);
    const genuine = openTestCeremony(a!.store, started.ceremonyId)!;
    expect(genuine.sessionBinding).toHaveLength(16);
    const { handle: _label, ...fields } = genuine;
    const flipped = Uint8Array.from(genuine.sessionBinding!, (byte, i) => (i === 15 ? byte ^ 1 : byte));
    const zero = new Uint8Array(16);
    for (const sessionBinding of [flipped, zero]) {
      // A later start time: equal contents would seal to the genuine handle (synthetic IV).
      const forged = sealTestCeremony(a!.store, { ...fields, sessionBinding, createdAt: genuine.createdAt + 1 });
      expect(toBase64url(openTestCeremony(a!.store, forged)!.sessionBinding!)).toBe(toBase64url(sessionBinding));
      expectNotFound(await agent.post('/api/passkeys/registration/verify', { ...started, ceremonyId: forged }));
    }
    expect(a!.store.passkeys.byCredentialId(started.response.id)).toBeUndefined();
    expect(usedCeremonies(a!.store)).toBe(0);
    expect((await agent.post('/api/passkeys/registration/verify', started)).status).toBe(200);
  });
});
