import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../core/authenticator/index.js';
import { createClient } from '../../core/client/index.js';
import { createRelyingParty } from '../../core/rp/index.js';
import { openBetterSqlite } from '../../core/store/driver.js';
import { openStore } from '../../core/store/index.js';
import { toBase64url } from '../../core/webauthn/base64url.js';
import { bundleServerChild, startServerChild } from './serverChildren.js';
import { Agent, freePort, isTypedClientError } from './support.js';

/**
 * Review 9, feature 1: migration 5 (sessions.binding) on a database from before it that holds live,
 * stepped-up sessions, opened by two server processes at the same moment. Exactly one of them
 * migrates (each migration is an immediate transaction that re-reads user_version), every session
 * gets its own 16-byte binding once, and a session from before the upgrade can start a registration
 * on one server and finish it on the other, while another pre-upgrade session cannot.
 */
let bundle: string;
let dir: string;
let db: string;
let urls: string[] = [];
const tokens: Record<string, string> = {};
const children: ChildProcess[] = [];

const startServer = (port: number) => startServerChild(bundle, db, port, urls, children);

beforeAll(async () => {
  bundle = await bundleServerChild('reviewNinthServerChild');
  dir = mkdtempSync(join(tmpdir(), 'pkh-review9-migration-'));
  db = join(dir, 'old.sqlite');
  urls = [`http://localhost:${await freePort()}`, `http://localhost:${await freePort()}`];
  // Two customers with stepped-up sessions, made by today's code...
  const store = openStore({ path: db });
  const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'migration', origins: urls, policy: { scryptCost: 1024 } });
  for (const loginId of ['yamada', 'tanaka']) {
    rp.createAccount({ loginId, password: 'login-pass', tradingPassword: 'trade-pass', displayName: loginId, emails: [`${loginId}@example.test`] });
    const { sessionId } = rp.login({ loginId, password: 'login-pass' });
    const { emails } = rp.listEmails({ sessionId });
    await rp.sendStepUpEmail({ sessionId, emailId: emails[0]!.emailId });
    const mail = rp.listMail({}).messages.filter((m) => m.to.includes(`${loginId}@example.test`)).at(-1)!;
    tokens[loginId] = rp.verifyStepUp({ sessionId, code: /(\d{6})/.exec(mail.text)![1]! }).sessionId;
  }
  store.close();
  // ...then taken back to schema 4: no binding column, as a database from before migration 5 is.
  const old = openBetterSqlite(db);
  old.exec('ALTER TABLE sessions DROP COLUMN binding; PRAGMA user_version = 4;');
  old.close();
  await Promise.all(urls.map((u) => startServer(Number(new URL(u).port))));
}, 120_000);

afterAll(() => {
  for (const child of children) {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const as = (url: string, loginId: string) => {
  const agent = new Agent(url);
  agent.cookies.set('pkh_session', tokens[loginId]!);
  return agent;
};

describe('migration 5 under two processes', () => {
  it('leaves the database at version 5 with a distinct 16-byte binding per pre-existing session', () => {
    const check = openBetterSqlite(db);
    try {
      expect(Number(check.pragma('user_version'))).toBe(5);
      const bindings = check.prepare('SELECT binding FROM sessions ORDER BY id').all().map((r) => r.binding as Uint8Array);
      expect(bindings).toHaveLength(2);
      expect(bindings.map((b) => b.length)).toEqual([16, 16]);
      expect(toBase64url(bindings[0]!)).not.toBe(toBase64url(bindings[1]!));
    } finally {
      check.close();
    }
  });

  it('lets a pre-upgrade session register across both servers, and refuses its handle to the other pre-upgrade session', async () => {
    const options = await as(urls[0]!, 'yamada').post('/api/passkeys/registration/options', {});
    expect(options.status).toBe(200);
    const client = createClient({ authenticator: createAuthenticator({ profile: 'iphone-icloud', seed: 'review9-migration' }), origin: urls[0]! });
    const started = { ceremonyId: options.body.ceremonyId as string, response: await client.create(options.body.options) };
    const stolen = await as(urls[1]!, 'tanaka').post('/api/passkeys/registration/verify', started);
    expect([stolen.status, stolen.body.code]).toEqual([400, 'CHALLENGE_NOT_FOUND']);
    expect(isTypedClientError(stolen.status, stolen.body)).toBe(true);
    const finished = await as(urls[1]!, 'yamada').post('/api/passkeys/registration/verify', started);
    expect([finished.status, finished.body.passkey?.name]).toEqual([200, 'パスキー 1']);
  });
});
