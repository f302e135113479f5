import { describe, expect, it } from 'vitest';
import { generateTotp } from '../../../core/rp/index.js';
import { codeOf, lastCode, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

describe('the seed flow in process', () => {
  it('email branch: login → 登録情報照会 → メール認証 → code → register → 登録済 → passkey login', async () => {
    const env = setup();
    seedCustomer(env);
    const { sessionId: s0 } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const info = env.rp.getRegistrationInfo({ sessionId: s0 });
    expect(info.stepUpMethod).toBe('email');
    expect(info.rows).toEqual([
      { key: 'loginPassword', status: 'set' },
      { key: 'tradingPassword', status: 'set' },
      { key: 'passkey', status: 'unregistered', count: 0 },
      { key: 'otpService', status: 'unregistered' },
    ]);
    expect(await codeOf(env.rp.startRegistration({ sessionId: s0 }))).toBe('STEP_UP_REQUIRED');
    const { emails } = env.rp.listEmails({ sessionId: s0 });
    expect(emails[0]!.masked).toBe('y*****@example.test');
    const sent = await env.rp.sendStepUpEmail({ sessionId: s0, emailId: emails[1]!.emailId });
    expect(sent.sentTo).toContain('@example.test');
    const { sessionId: s1, method } = env.rp.verifyStepUp({ sessionId: s0, code: lastCode(env, 'yamada.sub@example.test') });
    expect(method).toBe('email');
    expect(s1).not.toBe(s0);
    expect(await codeOf(() => env.rp.getSession({ sessionId: s0 }))).toBe('AUTH_REQUIRED');

    const { client } = phone(env);
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId: s1, attestation: 'direct' });
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'preferred' });
    const { passkey } = await env.rp.finishRegistration({ sessionId: s1, ceremonyId, response: await client.create(options), name: 'iPhone' });
    expect(passkey).toMatchObject({ name: 'iPhone', aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd', authenticatorName: 'iCloud Keychain', backupEligible: true, backupState: true });
    expect(env.rp.getRegistrationInfo({ sessionId: s1 }).rows[2]).toEqual({ key: 'passkey', status: 'registered', count: 1 });
    expect(env.rp.listMail({ to: 'yamada@example.test' }).messages[0]!.subject).toContain('パスキー登録完了');

    // Username-first and discoverable passkey login.
    const first = await env.rp.startLogin({ loginId: 'yamada' });
    const a = await env.rp.finishLogin({ ceremonyId: first.ceremonyId, response: await client.get(first.options) });
    expect(a).toMatchObject({ loginId: 'yamada', passkeyId: passkey.passkeyId });
    const disc = await env.rp.startLogin();
    expect(disc.options.allowCredentials ?? []).toEqual([]);
    const b = await env.rp.finishLogin({ ceremonyId: disc.ceremonyId, response: await client.get(disc.options) });
    expect(b.loginId).toBe('yamada');
    expect(env.store.audit.verify().ok).toBe(true);
    env.store.close();
  });

  it('TOTP branch: OTP service 申込 then step-up with TOTP, no email sent', async () => {
    const env = setup();
    seedCustomer(env);
    // 申込 needs an email step-up for 'otp-enrollment' first.
    const { sessionId: s0 } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    expect(await codeOf(() => env.rp.enrollOtp({ sessionId: s0 }))).toBe('STEP_UP_REQUIRED');
    const emailId = env.rp.listEmails({ sessionId: s0 }).emails[0]!.emailId;
    await env.rp.sendStepUpEmail({ sessionId: s0, emailId, purpose: 'otp-enrollment' });
    const { sessionId: s1 } = env.rp.verifyStepUp({ sessionId: s0, code: lastCode(env, 'yamada@example.test'), purpose: 'otp-enrollment' });
    const { uri, secret } = env.rp.enrollOtp({ sessionId: s1 });
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(env.rp.confirmOtp({ sessionId: s1, code: generateTotp(secret, env.clock.now()) })).toEqual({ status: 'active' });
    env.rp.logout({ sessionId: s1 });

    env.clock.advance(60_000);
    const mailBefore = env.rp.listMail().messages.length;
    const { sessionId: t0 } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const info = env.rp.getRegistrationInfo({ sessionId: t0 });
    expect(info.stepUpMethod).toBe('totp');
    expect(info.rows[3]).toEqual({ key: 'otpService', status: 'active' });
    expect(await codeOf(env.rp.sendStepUpEmail({ sessionId: t0, emailId }))).toBe('INVALID_INPUT');
    const code = generateTotp(secret, env.clock.now());
    const { sessionId: t1, method } = env.rp.verifyStepUp({ sessionId: t0, code });
    expect(method).toBe('totp');
    expect(env.rp.listMail().messages.length).toBe(mailBefore);
    const { client } = phone(env, { profile: 'android-gpm' });
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId: t1 });
    await env.rp.finishRegistration({ sessionId: t1, ceremonyId, response: await client.create(options) });
    const start = await env.rp.startLogin({ loginId: 'yamada' });
    expect((await env.rp.finishLogin({ ceremonyId: start.ceremonyId, response: await client.get(start.options) })).loginId).toBe('yamada');

    // RFC 6238: the same time step cannot be used twice, even from a new session.
    const { sessionId: u0 } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: u0, code }))).toBe('OTP_USED');
    env.store.close();
  });

  it('a stepped-up session can register a second passkey from another device (excludeCredentials lists the first)', async () => {
    const env = setup();
    seedCustomer(env);
    const sessionId = await loginAndStepUp(env);
    for (const profile of ['iphone-icloud', 'yubikey-5']) {
      const { client } = phone(env, { profile, seed: profile });
      const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
      await env.rp.finishRegistration({ sessionId, ceremonyId, response: await client.create(options) });
    }
    const { options } = await env.rp.startRegistration({ sessionId });
    expect(options.excludeCredentials).toHaveLength(2);
    expect(env.rp.listPasskeys({ sessionId }).passkeys.map((p) => p.authenticatorName)).toEqual(['iCloud Keychain', 'YubiKey 5 Series']);
    env.store.close();
  });
});
