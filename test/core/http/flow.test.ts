// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/index.js';
import { createClient } from '../../../core/client/index.js';
import { Agent, latestCode, startTestServer, type TestServer } from './support.js';

/**
 * The seed flow (DESIGN §1) over real HTTP on loopback: what the customer pages do, driven
 * by core/client + the software authenticator instead of a browser.
 */
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

function totpNow(secret: string): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp: server.clock.now() });
}

async function seedCustomer(opts: { otpSecret?: string } = {}) {
  await server.rp.createAccount({
    loginId: 'yamada',
    password: 'login-pass-1',
    tradingPassword: 'trade-pass-1',
    displayName: '山田 太郎',
    emails: ['taro@example.jp', 'taro.work@example.jp'],
    ...opts,
  });
}

function phone() {
  const authenticator = createAuthenticator({ profile: 'iphone-icloud', seed: 'http-flow-phone' });
  return { authenticator, client: createClient({ authenticator, origin: server.url }) };
}

async function registerPasskey(agent: Agent, client: ReturnType<typeof phone>['client']) {
  // STEP5 登録 → STEP6 device prompt → 完了
  const options = await agent.post('/api/passkeys/registration/options', {});
  expect(options.status).toBe(200);
  expect(options.body.options.rp.id).toBe('localhost');
  const response = await client.create(options.body.options);
  const verified = await agent.post('/api/passkeys/registration/verify', { ceremonyId: options.body.ceremonyId, response, name: 'iPhone' });
  expect(verified.status).toBe(200);
  expect(verified.body.passkey.credentialId).toBe(response.id);
  return response.id;
}

describe('seed flow over HTTP', () => {
  it('email branch: login → 登録情報照会 → メール認証 → 認証コード入力 → 確認 → 登録 → 登録済, then passkey login', async () => {
    await seedCustomer();
    const { client } = phone();
    const agent = new Agent(server.url);

    // STEP0 ログイン
    const login = await agent.post('/api/login', { loginId: 'yamada', password: 'login-pass-1' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ loginId: 'yamada', displayName: '山田 太郎' });
    expect(login.body.sessionId).toBeUndefined();
    const firstCookie = agent.cookies.get('pkh_session');
    expect(firstCookie).toBeTruthy();

    // STEP1 登録情報照会: パスキー 未登録, OTP 未登録 → the email branch
    const info = await agent.get('/api/registration-info');
    expect(info.status).toBe(200);
    expect(info.body.stepUpMethod).toBe('email');
    expect(info.body.rows.find((r: { key: string }) => r.key === 'passkey').status).toBe('unregistered');

    // STEP3 メール認証: pick the second registered address
    const emails = await agent.get('/api/emails');
    expect(emails.body.emails).toHaveLength(2);
    const work = emails.body.emails.find((e: { address: string }) => e.address === 'taro.work@example.jp');
    const sent = await agent.post('/api/step-up/email', { emailId: work.emailId });
    expect(sent.status).toBe(200);
    expect(sent.body.sentTo).not.toContain('taro.work@example.jp');

    // STEP4 認証コード入力: the session ID rotates at step-up
    const verified = await agent.post('/api/step-up/verify', { code: latestCode(server.store, 'taro.work@example.jp') });
    expect(verified.status).toBe(200);
    expect(verified.body.method).toBe('email');
    expect(agent.cookies.get('pkh_session')).not.toBe(firstCookie);

    const credentialId = await registerPasskey(agent, client);

    // 完了: the passkey row shows 登録済
    const after = await agent.get('/api/registration-info');
    expect(after.body.rows.find((r: { key: string }) => r.key === 'passkey')).toMatchObject({ status: 'registered', count: 1 });
    const passkeys = await agent.get('/api/passkeys');
    expect(passkeys.body.passkeys.map((p: { credentialId: string }) => p.credentialId)).toEqual([credentialId]);
    // A notice about the new passkey went to the customer's email.
    expect(server.store.outbox.list({}).length).toBeGreaterThanOrEqual(2);

    expect((await agent.post('/api/logout', {})).status).toBe(200);
    expect((await agent.get('/api/registration-info')).status).toBe(401);

    // later: ログイン (パスキー), username-first
    const browser = new Agent(server.url);
    const options = await browser.post('/api/passkeys/login/options', { loginId: 'yamada' });
    expect(options.status).toBe(200);
    expect(options.body.options.allowCredentials.map((c: { id: string }) => c.id)).toContain(credentialId);
    const assertion = await client.get(options.body.options);
    const loggedIn = await browser.post('/api/passkeys/login/verify', { ceremonyId: options.body.ceremonyId, response: assertion });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body).toMatchObject({ loginId: 'yamada' });
    expect((await browser.get('/api/registration-info')).status).toBe(200);

    // The same assertion again is a replay.
    const replay = await new Agent(server.url).post('/api/passkeys/login/verify', { ceremonyId: options.body.ceremonyId, response: assertion });
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.status).toBeLessThan(500);
  });

  it('TOTP branch: OTP service 申込 via email step-up, then passkey registration with a TOTP code and no email screen; discoverable login', async () => {
    await seedCustomer();
    const { client } = phone();
    const agent = new Agent(server.url);
    await agent.post('/api/login', { loginId: 'yamada', password: 'login-pass-1' });

    // ワンタイムパスワードサービス 申込: email step-up for the enrolment, then confirm with the app's code
    const emails = await agent.get('/api/emails');
    expect((await agent.post('/api/step-up/email', { emailId: emails.body.emails[0].emailId, purpose: 'otp-enrollment' })).status).toBe(200);
    expect((await agent.post('/api/step-up/verify', { code: latestCode(server.store, 'taro@example.jp'), purpose: 'otp-enrollment' })).status).toBe(200);
    const enrolled = await agent.post('/api/otp/enroll', {});
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await agent.post('/api/otp/confirm', { code: totpNow(enrolled.body.secret) })).status).toBe(200);

    const info = await agent.get('/api/registration-info');
    expect(info.body.stepUpMethod).toBe('totp');
    expect(info.body.rows.find((r: { key: string }) => r.key === 'otpService').status).toBe('active');

    // Registration without a step-up is refused even for an OTP customer.
    expect((await agent.post('/api/passkeys/registration/options', {})).body.code).toBe('STEP_UP_REQUIRED');

    // STEP3 skipped: the TOTP code goes straight to 認証 (next time step, a used code is refused).
    server.clock.advance(30_000);
    const mailsBefore = server.store.outbox.list({}).length;
    const verified = await agent.post('/api/step-up/verify', { code: totpNow(enrolled.body.secret) });
    expect(verified.status).toBe(200);
    expect(verified.body.method).toBe('totp');
    expect(server.store.outbox.list({}).length).toBe(mailsBefore);

    const credentialId = await registerPasskey(agent, client);

    // ログイン (パスキー), discoverable: no login ID, the authenticator picks the resident credential
    const browser = new Agent(server.url);
    const options = await browser.post('/api/passkeys/login/options', {});
    expect(options.status).toBe(200);
    expect(options.body.options.allowCredentials ?? []).toEqual([]);
    const assertion = await client.get(options.body.options);
    expect(assertion.id).toBe(credentialId);
    const loggedIn = await browser.post('/api/passkeys/login/verify', { ceremonyId: options.body.ceremonyId, response: assertion });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body.loginId).toBe('yamada');
  });

  it('keeps one session per slot: two phones in one console log in as different customers', async () => {
    await seedCustomer();
    await server.rp.createAccount({ loginId: 'suzuki', password: 'pw-suzuki-1', tradingPassword: 't-suzuki-1', displayName: '鈴木 花子', emails: ['hanako@example.jp'] });
    const jar = new Agent(server.url, { slot: 'phone-a' });
    expect((await jar.post('/api/login', { loginId: 'yamada', password: 'login-pass-1' })).status).toBe(200);
    const other = new Agent(server.url, { slot: encodeURIComponent('鈴木のiPhone') });
    // Same cookie jar, as in one browser: copy cookies across.
    for (const [k, v] of jar.cookies) other.cookies.set(k, v);
    expect((await other.get('/api/session')).status).toBe(401);
    expect((await other.post('/api/login', { loginId: 'suzuki', password: 'pw-suzuki-1' })).status).toBe(200);
    for (const [k, v] of other.cookies) jar.cookies.set(k, v);
    expect((await jar.get('/api/session')).body.loginId).toBe('yamada');
    expect((await other.get('/api/session')).body.loginId).toBe('suzuki');
    expect([...jar.cookies.keys()].sort()).toEqual(['pkh_session_phone-a', [...other.cookies.keys()].find((k) => k.startsWith('pkh_session_h'))].sort());
  });
});
