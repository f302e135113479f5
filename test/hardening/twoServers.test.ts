import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, nodeBackend } from '../../core/authenticator/index.js';
import { createClient } from '../../core/client/index.js';
import { DEFAULT_POLICY, createRelyingParty } from '../../core/rp/index.js';
import { openStore, type Store } from '../../core/store/index.js';
import { fromBase64url, toBase64url } from '../../core/webauthn/base64url.js';
import { Agent, freePort, latestCode, type Reply } from '../core/http/support.js';
import { bundleServerChild, startServerChild } from './serverChildren.js';

/**
 * Issue 6, concurrency: two real server processes (core/rp + core/http, bundled with esbuild) on one
 * SQLite file over loopback, with several client workers against each at once.
 * - duplicate registration: one credential is sent to six registration ceremonies (three per server,
 *   six customers, 'none' attestation, so only clientDataJSON's challenge differs): exactly one wins,
 *   the others get CREDENTIAL_EXISTS (409);
 * - wrong step-up guesses on one code from both servers: tries stop exactly at maxCodeTries and
 *   exactly the guesses past the limit see OTP_LOCKED; afterwards the right code is refused too;
 * - concurrent logins with one passkey (increasing counters sent out of order to both servers): the
 *   stored counter never goes backwards and ends at the highest accepted counter; a lost race is
 *   COUNTER_REGRESSION (400), nothing else.
 * In every race no answer is a 5xx: SQLITE_BUSY never reaches a user (it would be STORE_BUSY 503).
 */
let bundle: string;
const WORKERS = 3;
let dir: string;
let store: Store;
let urls: string[] = [];
const children: ChildProcess[] = [];

const startServer = (db: string, port: number, origins: string[]) => startServerChild(bundle, db, port, origins, children);

beforeAll(async () => {
  bundle = await bundleServerChild('serverChild');
  dir = mkdtempSync(join(tmpdir(), 'pkh-two-servers-'));
  const db = join(dir, 'shared.sqlite');
  const ports = [await freePort(), await freePort()];
  urls = ports.map((p) => `http://localhost:${p}`);
  // The test's own connection is a third process-like writer: it seeds accounts and reads mail.
  store = openStore({ path: db });
  const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'race', origins: urls, policy: { scryptCost: 1024 } });
  // Six customers for the duplicate race: the RP allows only a few step-up mails per account and minute.
  for (const loginId of ['otp', 'counter', ...Array.from({ length: 2 * WORKERS }, (_, w) => `dup${w}`)]) {
    rp.createAccount({ loginId, password: 'login-pass', tradingPassword: 'trade-pass', displayName: loginId, emails: [`${loginId}@example.test`] });
  }
  await Promise.all(ports.map((p) => startServer(db, p, urls)));
}, 120_000);

afterAll(() => {
  for (const child of children) {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
  }
  store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const noServerError = (replies: Reply[]) => {
  for (const r of replies) expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
};

/** Password login + email step-up on `url`, as a browser would. */
async function steppedUp(url: string, loginId: string): Promise<Agent> {
  const agent = new Agent(url);
  expect((await agent.post('/api/login', { loginId, password: 'login-pass' })).status).toBe(200);
  const emails = await agent.get('/api/emails');
  expect((await agent.post('/api/step-up/email', { emailId: emails.body.emails[0].emailId })).status).toBe(200);
  expect((await agent.post('/api/step-up/verify', { code: latestCode(store, `${loginId}@example.test`) })).status).toBe(200);
  return agent;
}

function authenticator(profile: 'iphone-icloud' | 'windows-hello', seed: string, origin: string) {
  return createClient({ authenticator: createAuthenticator({ profile, backend: nodeBackend, seed }), origin });
}

/** The same credential, re-addressed to another ceremony: only the challenge in clientDataJSON changes. */
function forChallenge<T extends { response: { clientDataJSON: string } }>(response: T, challenge: string): T {
  const clientData = JSON.parse(new TextDecoder().decode(fromBase64url(response.response.clientDataJSON))) as { challenge: string };
  clientData.challenge = challenge;
  return { ...response, response: { ...response.response, clientDataJSON: toBase64url(new TextEncoder().encode(JSON.stringify(clientData))) } };
}

describe('two server processes on one database file', () => {
  it('a credential raced into six registration ceremonies on both servers is stored exactly once', async () => {
    // Step-ups one after another: each mails a code that latestCode must read before the next.
    const agents: Agent[] = [];
    for (let w = 0; w < 2 * WORKERS; w++) agents.push(await steppedUp(urls[w % 2]!, `dup${w}`));
    const options = await Promise.all(agents.map((a) => a.post('/api/passkeys/registration/options', {})));
    const client = authenticator('iphone-icloud', 'dup', urls[0]!);
    const created = await client.create(options[0]!.body.options);
    const replies = await Promise.all(
      agents.map((a, i) => a.post('/api/passkeys/registration/verify', { ceremonyId: options[i]!.body.ceremonyId, response: forChallenge(created, options[i]!.body.options.challenge) })),
    );
    noServerError(replies);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status !== 200).map((r) => [r.status, r.body.code])).toEqual(Array.from({ length: 2 * WORKERS - 1 }, () => [409, 'CREDENTIAL_EXISTS']));
    expect(store.driver.prepare('SELECT COUNT(*) AS n FROM passkeys WHERE credential_id = @id').get<{ n: number }>({ id: created.id })?.n).toBe(1);
  }, 120_000);

  it('wrong step-up guesses from both servers are counted exactly and lock the code at the limit', async () => {
    const a = new Agent(urls[0]!);
    expect((await a.post('/api/login', { loginId: 'otp', password: 'login-pass' })).status).toBe(200);
    const emails = await a.get('/api/emails');
    expect((await a.post('/api/step-up/email', { emailId: emails.body.emails[0].emailId })).status).toBe(200);
    const right = latestCode(store, 'otp@example.test');
    const wrong = right === '000000' ? '000001' : '000000';
    // The same session cookie on the other server: one customer, two tabs behind a load balancer.
    const b = new Agent(urls[1]!);
    for (const [k, v] of a.cookies) b.cookies.set(k, v);
    const max = DEFAULT_POLICY.maxCodeTries;
    const guesses = max + 3;
    const replies = await Promise.all(Array.from({ length: guesses }, (_, i) => (i % 2 ? b : a).post('/api/step-up/verify', { code: wrong })));
    noServerError(replies);
    const codes = replies.map((r) => r.body.code as string);
    expect(codes.filter((c) => c === 'OTP_LOCKED'), codes.join()).toHaveLength(guesses - (max - 1));
    expect(new Set(codes.filter((c) => c !== 'OTP_LOCKED')).size).toBe(1);
    const account = store.accounts.byLoginId('otp')!;
    const row = store.driver.prepare('SELECT tries FROM step_up_codes WHERE account_id = @id ORDER BY id DESC LIMIT 1').get<{ tries: number }>({ id: account.id });
    expect(row?.tries).toBe(max);
    expect((await b.post('/api/step-up/verify', { code: right })).body.code).toBe('OTP_LOCKED');
  }, 120_000);

  it('concurrent logins with one passkey never move its counter backwards', async () => {
    const agent = await steppedUp(urls[0]!, 'counter');
    const client = authenticator('windows-hello', 'counter', urls[0]!);
    const reg = await agent.post('/api/passkeys/registration/options', {});
    expect((await agent.post('/api/passkeys/registration/verify', { ceremonyId: reg.body.ceremonyId, response: await client.create(reg.body.options) })).status).toBe(200);
    const browsers = Array.from({ length: 2 * WORKERS }, (_, w) => new Agent(urls[w % 2]!));
    const options = await Promise.all(browsers.map((b) => b.post('/api/passkeys/login/options', { loginId: 'counter' })));
    // Signed in order (counters 1..6), sent all at once in reverse so later counters tend to land first.
    const assertions: Awaited<ReturnType<typeof client.get>>[] = [];
    for (const o of options) assertions.push(await client.get(o.body.options));
    const order = browsers.map((_, i) => i).reverse();
    const replies = await Promise.all(order.map((i) => browsers[i]!.post('/api/passkeys/login/verify', { ceremonyId: options[i]!.body.ceremonyId, response: assertions[i] })));
    noServerError(replies);
    const accepted: number[] = [];
    replies.forEach((r, j) => {
      if (r.status === 200) accepted.push(order[j]!);
      else expect([r.status, r.body.code]).toEqual([400, 'COUNTER_REGRESSION']);
    });
    expect(accepted.length).toBeGreaterThan(0);
    const account = store.accounts.byLoginId('counter')!;
    const [passkey] = store.passkeys.listForAccount(account.id);
    const counterOf = (i: number) => new DataView(fromBase64url(assertions[i]!.response.authenticatorData).buffer).getUint32(33);
    expect(passkey!.counter).toBe(Math.max(...accepted.map(counterOf)));
    // Counters accepted in the order the store saw them only ever increased.
    const successes = store.driver
      .prepare("SELECT details FROM audit_log WHERE action = 'login.passkey' AND outcome = 'success' ORDER BY id")
      .all<{ details: string }>()
      .map((r) => (JSON.parse(r.details) as { counter: number }).counter);
    expect(successes).toEqual([...successes].sort((x, y) => x - y));
    expect(new Set(successes).size).toBe(successes.length);
    expect(store.audit.verify().ok).toBe(true);
  }, 120_000);
});
