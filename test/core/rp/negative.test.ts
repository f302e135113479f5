import { describe, expect, it } from 'vitest';
import { decodeAttestationObject, encodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { fromBase64url, toBase64url } from '../../../core/webauthn/base64url.js';
import { decodeCbor, encodeCbor } from '../../../core/webauthn/cbor.js';
import type { RegistrationResponseJSON } from '../../../core/webauthn/types.js';
import { escapeForDisplay } from '../../../core/rp/index.js';
import { HarnessError } from '../../../core/errors.js';
import { causeOf, codeOf, lastCode, loginAndStepUp, ORIGIN, phone, seedCustomer, setup, type Env } from './support.js';

type Faults = Parameters<typeof phone>[1];

function editClientData<T extends { response: { clientDataJSON: string } }>(r: T, edit: (c: Record<string, unknown>) => void): T {
  const c = JSON.parse(new TextDecoder().decode(fromBase64url(r.response.clientDataJSON))) as Record<string, unknown>;
  edit(c);
  return { ...r, response: { ...r.response, clientDataJSON: toBase64url(new TextEncoder().encode(JSON.stringify(c))) } };
}

function editAttestedKey(r: RegistrationResponseJSON, edit: (key: Map<number, unknown>) => void): RegistrationResponseJSON {
  const att = decodeAttestationObject(fromBase64url(r.response.attestationObject));
  const auth = parseAuthenticatorData(att.authData);
  const key = decodeCbor(auth.attestedCredentialData!.credentialPublicKey) as Map<number, unknown>;
  edit(key);
  const authData = buildAuthenticatorData({ rpIdHash: auth.rpIdHash, flags: auth.flags, signCount: auth.signCount, attestedCredentialData: { ...auth.attestedCredentialData!, credentialPublicKey: encodeCbor(key) } });
  return { ...r, response: { ...r.response, attestationObject: toBase64url(encodeAttestationObject({ ...att, authData })) } };
}

async function registration(env: Env, faults: Faults = {}, opts: { userVerification?: 'required' } = {}) {
  const sessionId = await loginAndStepUp(env);
  const { client } = phone(env, { faults: faults as never });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, ...opts });
  return { sessionId, ceremonyId, options, response: await client.create(options) };
}

function fresh() {
  const env = setup();
  seedCustomer(env);
  return env;
}

describe('WebAuthn §7.1 registration, each step tampered', () => {
  const cases: Array<[string, Faults, ((r: RegistrationResponseJSON) => RegistrationResponseJSON) | undefined, string, { userVerification?: 'required' }?]> = [
    ['clientData.type is webauthn.get', { wrongType: true } as Faults, undefined, 'TYPE_MISMATCH'],
    ['challenge replaced', {}, (r) => editClientData(r, (c) => (c.challenge = toBase64url(new Uint8Array(32)))), 'CHALLENGE_MISMATCH'],
    ['origin of another site', { wrongOrigin: 'https://evil.example.test' } as Faults, undefined, 'ORIGIN_MISMATCH'],
    ['origin with another port', {}, (r) => editClientData(r, (c) => (c.origin = 'https://broker.example.test:8443')), 'ORIGIN_MISMATCH'],
    ['origin over http', {}, (r) => editClientData(r, (c) => (c.origin = 'http://broker.example.test')), 'ORIGIN_MISMATCH'],
    ['crossOrigin true', {}, (r) => editClientData(r, (c) => (c.crossOrigin = true)), 'CROSS_ORIGIN_FORBIDDEN'],
    ['topOrigin present', {}, (r) => editClientData(r, (c) => (c.topOrigin = 'https://frame.example.test')), 'CROSS_ORIGIN_FORBIDDEN'],
    ['rpIdHash of another RP', { wrongRpIdHash: true } as Faults, undefined, 'RP_ID_MISMATCH'],
    ['UP cleared', { clearUp: true } as Faults, undefined, 'USER_PRESENCE_REQUIRED'],
    ['UV cleared when required', { clearUv: true } as Faults, undefined, 'USER_VERIFICATION_REQUIRED', { userVerification: 'required' }],
    ['malformed CBOR attestationObject', { malformedCbor: true } as Faults, undefined, 'CBOR_'],
    ['credential ID of 0 bytes', {}, (r) => ({ ...r, id: '', rawId: '' }), 'CREDENTIAL_ID_INVALID'],
    ['credential ID of 1024 bytes', {}, (r) => ({ ...r, id: toBase64url(new Uint8Array(1024)), rawId: toBase64url(new Uint8Array(1024)) }), 'CREDENTIAL_ID_INVALID'],
    ['rawId differs from id', {}, (r) => ({ ...r, rawId: toBase64url(new Uint8Array(16)) }), 'RAW_ID_MISMATCH'],
    ['id and rawId differ from the ID in authData', {}, (r) => ({ ...r, id: toBase64url(new Uint8Array(16)), rawId: toBase64url(new Uint8Array(16)) }), 'RAW_ID_MISMATCH'],
    ['unoffered algorithm (ES384)', {}, (r) => editAttestedKey(r, (k) => k.set(3, -35)), 'ALGORITHM_NOT_ALLOWED'],
    ['COSE key not valid for its algorithm (x cut short)', {}, (r) => editAttestedKey(r, (k) => k.set(-2, new Uint8Array(5))), 'COSE_INVALID'],
    // (1, 2) is not on P-256: OpenSSL's import refuses it where noble's check used to (issue 15).
    ['COSE key whose P-256 point is off the curve', {}, (r) => editAttestedKey(r, (k) => k.set(-2, new Uint8Array(32).fill(0).fill(1, 31)).set(-3, new Uint8Array(32).fill(0).fill(2, 31))), 'COSE_INVALID'],
  ];
  for (const [name, faults, edit, code, opts] of cases) {
    it(`rejects: ${name} → ${code}`, async () => {
      const env = fresh();
      const { sessionId, ceremonyId, response } = await registration(env, faults, opts);
      const result = await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response: edit ? edit(response) : response }));
      expect(result.startsWith(code)).toBe(true);
      expect(env.store.audit.list({ limit: 1000 }).some((e) => e.action === 'registration.finish' && e.outcome === 'failure' && e.code === result)).toBe(true);
      env.store.close();
    });
  }

  it('rejects a replayed registration response (CHALLENGE_REPLAYED) and an expired challenge (CHALLENGE_EXPIRED)', async () => {
    const env = fresh();
    const r = await registration(env);
    await env.rp.finishRegistration(r);
    expect(await codeOf(env.rp.finishRegistration(r))).toBe('CHALLENGE_REPLAYED');
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId: r.sessionId });
    const { client } = phone(env, { seed: 'other-phone' });
    const response = await client.create({ ...options, excludeCredentials: [] });
    env.clock.advance(5 * 60_000 + 1);
    expect(await codeOf(env.rp.finishRegistration({ sessionId: r.sessionId, ceremonyId, response }))).toBe('CHALLENGE_EXPIRED');
    env.store.close();
  });

  it('registration without login is AUTH_REQUIRED, without step-up STEP_UP_REQUIRED, after 5 minutes STEP_UP_REQUIRED again', async () => {
    const env = fresh();
    expect(await codeOf(env.rp.startRegistration({ sessionId: 'forged' }))).toBe('AUTH_REQUIRED');
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    expect(await codeOf(env.rp.startRegistration({ sessionId }))).toBe('STEP_UP_REQUIRED');
    const s1 = await loginAndStepUp(env);
    env.clock.advance(5 * 60_000 + 1);
    expect(await codeOf(env.rp.startRegistration({ sessionId: s1 }))).toBe('STEP_UP_REQUIRED');
    env.store.close();
  });

  it('two concurrent submissions of one credential: exactly one wins, the other is CREDENTIAL_EXISTS', async () => {
    const env = fresh();
    const a = await registration(env);
    const b = await env.rp.startRegistration({ sessionId: a.sessionId });
    // Same credential presented to a second ceremony (fmt none: clientData is not signed at registration).
    const copy = editClientData(a.response, (c) => (c.challenge = b.options.challenge));
    const results = await Promise.all([
      codeOf(env.rp.finishRegistration({ sessionId: a.sessionId, ceremonyId: a.ceremonyId, response: a.response })),
      codeOf(env.rp.finishRegistration({ sessionId: a.sessionId, ceremonyId: b.ceremonyId, response: copy })),
    ]);
    expect(results.sort()).toEqual(['CREDENTIAL_EXISTS', 'NO_ERROR']);
    env.store.close();
  });
});

describe('WebAuthn §7.2 authentication, each step tampered', () => {
  async function registered(profile?: string) {
    const env = fresh();
    const sessionId = await loginAndStepUp(env);
    const p = phone(env, profile ? { profile } : {});
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
    const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId, response: await p.client.create(options) });
    return { env, ...p, passkey };
  }

  it('rejects a replayed assertion (CHALLENGE_REPLAYED), a tampered challenge, origin, type, rpIdHash, UP, signature', async () => {
    const { env, client, authenticator } = await registered();
    const s = await env.rp.startLogin({ loginId: 'yamada' });
    const response = await client.get(s.options);
    await env.rp.finishLogin({ ceremonyId: s.ceremonyId, response });
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: s.ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: 'unknown', response }))).toBe('CHALLENGE_NOT_FOUND');
    const tries: Array<[Faults, string]> = [
      [{ wrongType: true } as Faults, 'TYPE_MISMATCH'],
      [{ wrongOrigin: 'https://evil.example.test' } as Faults, 'ORIGIN_MISMATCH'],
      [{ wrongRpIdHash: true } as Faults, 'RP_ID_MISMATCH'],
      [{ clearUp: true } as Faults, 'USER_PRESENCE_REQUIRED'],
      [{ corruptSignature: true } as Faults, 'SIGNATURE_INVALID'],
    ];
    for (const [faults, code] of tries) {
      authenticator.faults = faults as never;
      const t = await env.rp.startLogin({ loginId: 'yamada' });
      expect(await codeOf(env.rp.finishLogin({ ceremonyId: t.ceremonyId, response: await client.get(t.options) }))).toBe(code);
    }
    authenticator.faults = {};
    const m = await env.rp.startLogin({ loginId: 'yamada' });
    const good = await client.get(m.options);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: m.ceremonyId, response: editClientData(good, (c) => (c.challenge = toBase64url(new Uint8Array(32)))) }))).toBe('CHALLENGE_MISMATCH');
    const x = await env.rp.startLogin({ loginId: 'yamada' });
    const signed = await client.get(x.options);
    // Signature over mutated data: the clientData keeps its checks but one extra field changes the hash.
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: x.ceremonyId, response: editClientData(signed, (c) => (c.extra = 'x')) }))).toBe('SIGNATURE_INVALID');
    const y = await env.rp.startLogin({ loginId: 'yamada' });
    const r = await client.get(y.options);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: y.ceremonyId, response: { ...r, response: { ...r.response, userHandle: toBase64url(new Uint8Array(32)) } } }))).toBe('USER_HANDLE_MISMATCH');
    env.store.close();
  });

  it('counter regression is COUNTER_REGRESSION and audited as a possible clone', async () => {
    const { env, client, authenticator } = await registered('yubikey-5');
    const s = await env.rp.startLogin({ loginId: 'yamada' });
    await env.rp.finishLogin({ ceremonyId: s.ceremonyId, response: await client.get(s.options) });
    authenticator.faults = { counterRegression: true };
    const t = await env.rp.startLogin({ loginId: 'yamada' });
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: t.ceremonyId, response: await client.get(t.options) }))).toBe('COUNTER_REGRESSION');
    expect(env.store.audit.list({ limit: 1000 }).some((e) => e.action === 'login.clone-suspected')).toBe(true);
    env.store.close();
  });

  it('unknown user and unknown credential are answered as a bad signature (SIGNATURE_INVALID), the audit keeps CREDENTIAL_UNKNOWN', async () => {
    const { env, client } = await registered();
    const known = await env.rp.startLogin({ loginId: 'yamada' });
    const unknown = await env.rp.startLogin({ loginId: 'nobody' });
    expect(Object.keys(unknown.options).sort()).toEqual(Object.keys(known.options).sort());
    expect(unknown.options.allowCredentials).toHaveLength(1);
    expect(Object.keys(unknown.options.allowCredentials![0]!).sort()).toEqual(Object.keys(known.options.allowCredentials![0]!).sort());
    // yamada's phone signing nobody's ceremony (its challenge) with yamada's passkey: a genuine signature, not nobody's passkey.
    const mine = { allowCredentials: known.options.allowCredentials };
    const response = await client.get({ ...unknown.options, ...mine });
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: unknown.ceremonyId, response }))).toBe('SIGNATURE_INVALID');
    const again = await env.rp.startLogin({ loginId: 'nobody' });
    expect(await causeOf(env.rp.finishLogin({ ceremonyId: again.ceremonyId, response: await client.get({ ...again.options, ...mine }) }))).toBe('CREDENTIAL_UNKNOWN');
    const other = await env.rp.startLogin({ loginId: 'yamada' });
    const r2 = await client.get(other.options);
    const bogus = toBase64url(new Uint8Array(16).fill(7));
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: other.ceremonyId, response: { ...r2, id: bogus, rawId: bogus } }))).toBe('SIGNATURE_INVALID');
    const row = env.store.audit.list({ limit: 1000 }).filter((r) => r.action === 'login.passkey' && r.outcome === 'failure').at(-1)!;
    expect([row.code, row.details.cause]).toEqual(['SIGNATURE_INVALID', 'CREDENTIAL_UNKNOWN']);
    // Discoverable: the client named the credential itself; CREDENTIAL_UNKNOWN lets the page signal it away.
    const discoverable = await env.rp.startLogin({});
    const r3 = await client.get(discoverable.options);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: discoverable.ceremonyId, response: { ...r3, id: bogus, rawId: bogus } }))).toBe('CREDENTIAL_UNKNOWN');
    env.store.close();
  });

  it('without the private key, an assertion built from fake options is answered as one for a real passkey (issue 11 item 6)', async () => {
    const { env, client } = await registered();
    await env.rp.createAccount({ loginId: 'sato', password: 'login-pass', tradingPassword: 'trade-pass', displayName: '佐藤', emails: ['sato@example.test'] });
    const enc = (v: unknown) => toBase64url(new TextEncoder().encode(JSON.stringify(v)));
    // What an attacker can build for any login ID: options' credential ID and challenge, a well-formed
    // clientData and authenticatorData (no key needed), and a garbage signature; or garbage throughout.
    const attempt = async (loginId: string, wellFormed: boolean) => {
      const { ceremonyId, options } = await env.rp.startLogin({ loginId });
      const genuine = await client.get((await env.rp.startLogin({ loginId: 'yamada' })).options);
      const id = options.allowCredentials![0]!.id;
      const clientDataJSON = wellFormed ? enc({ type: 'webauthn.get', challenge: options.challenge, origin: ORIGIN, crossOrigin: false }) : 'e30';
      const response = { id, rawId: id, type: 'public-key' as const, clientExtensionResults: {}, response: { clientDataJSON, authenticatorData: wellFormed ? genuine.response.authenticatorData : 'AA', signature: wellFormed ? genuine.response.signature : 'AA' } };
      try {
        await env.rp.finishLogin({ ceremonyId, response });
        return 'NO_ERROR';
      } catch (error) {
        const e = error as HarnessError;
        expect(e).toBeInstanceOf(HarnessError);
        return `${e.code}: ${e.message}`;
      }
    };
    for (const wellFormed of [false, true]) {
      const withPasskey = await attempt('yamada', wellFormed);
      expect(await attempt('sato', wellFormed)).toBe(withPasskey);
      expect(await attempt('nobody', wellFormed)).toBe(withPasskey);
    }
    expect(await attempt('nobody', true)).toBe('SIGNATURE_INVALID: assertion signature did not verify');
    env.store.close();
  });
});

describe('step-up codes', () => {
  async function sent(env: Env) {
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const emailId = env.rp.listEmails({ sessionId }).emails[0]!.emailId;
    await env.rp.sendStepUpEmail({ sessionId, emailId });
    return { sessionId, emailId, code: lastCode(env, 'yamada@example.test') };
  }
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('expires after 5 minutes (OTP_EXPIRED)', async () => {
    const env = fresh();
    const { sessionId, code } = await sent(env);
    env.clock.advance(5 * 60_000 + 1);
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId, code }))).toBe('OTP_EXPIRED');
  });
  it('is single use (OTP_USED) and a new code voids the old one', async () => {
    const env = fresh();
    const first = await sent(env);
    await env.rp.sendStepUpEmail({ sessionId: first.sessionId, emailId: first.emailId });
    const second = lastCode(env, 'yamada@example.test');
    if (second !== first.code) expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: first.sessionId, code: first.code }))).toBe('OTP_INVALID');
    const { sessionId } = env.rp.verifyStepUp({ sessionId: first.sessionId, code: second });
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId, code: second }))).toBe('OTP_USED');
  });
  it('5 wrong tries kill the code (OTP_LOCKED); the right code then fails too', async () => {
    const env = fresh();
    const { sessionId, code } = await sent(env);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await codeOf(() => env.rp.verifyStepUp({ sessionId, code: wrong(code) })));
    expect(results).toEqual(['OTP_INVALID', 'OTP_INVALID', 'OTP_INVALID', 'OTP_INVALID', 'OTP_LOCKED']);
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId, code }))).toBe('OTP_LOCKED');
  });
  it('repeated failures across codes lock the account for a time (ACCOUNT_LOCKED), then it opens again', async () => {
    const env = setup({ policy: { maxStepUpFailures: 6 } });
    seedCustomer(env);
    const a = await sent(env);
    for (let i = 0; i < 5; i++) await codeOf(() => env.rp.verifyStepUp({ sessionId: a.sessionId, code: wrong(a.code) }));
    await env.rp.sendStepUpEmail({ sessionId: a.sessionId, emailId: a.emailId });
    const b = lastCode(env, 'yamada@example.test');
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: a.sessionId, code: wrong(b) }))).toBe('ACCOUNT_LOCKED');
    expect(await codeOf(() => env.rp.getSession({ sessionId: a.sessionId }))).toBe('AUTH_REQUIRED');
    expect(await causeOf(() => env.rp.login({ loginId: 'yamada', password: 'login-pass' }))).toBe('ACCOUNT_LOCKED');
    env.clock.advance(env.rp.policy.stepUpLockMs - 1);
    expect(await causeOf(() => env.rp.login({ loginId: 'yamada', password: 'login-pass' }))).toBe('ACCOUNT_LOCKED');
    env.clock.advance(1);
    expect(env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId).toEqual(expect.any(String));
  });
  it('a code mailed to another session does not work here', async () => {
    const env = fresh();
    const { code } = await sent(env);
    const { sessionId: other } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    expect(await codeOf(() => env.rp.verifyStepUp({ sessionId: other, code }))).toBe('OTP_INVALID');
  });
  it('an address that is not the customer\'s is EMAIL_NOT_REGISTERED; sends are rate-limited', async () => {
    const env = fresh();
    const { sessionId, emailId } = await sent(env);
    expect(await codeOf(env.rp.sendStepUpEmail({ sessionId, emailId: 9999 }))).toBe('EMAIL_NOT_REGISTERED');
    for (let i = 0; i < 4; i++) await env.rp.sendStepUpEmail({ sessionId, emailId });
    expect(await codeOf(env.rp.sendStepUpEmail({ sessionId, emailId }))).toBe('RATE_LIMITED');
  });
  it('password throttling after 5 failures answers like a wrong password (lockout.test.ts has the rest)', async () => {
    const env = fresh();
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push(await codeOf(() => env.rp.login({ loginId: 'yamada', password: i === 5 ? 'login-pass' : 'wrong' })));
    expect(codes).toEqual(['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED']);
    expect(await causeOf(() => env.rp.login({ loginId: 'yamada', password: 'login-pass' }))).toBe('ACCOUNT_LOCKED');
    expect(await codeOf(() => env.rp.login({ loginId: 'ghost', password: 'x' }))).toBe('LOGIN_FAILED');
  });
});

describe('admin and audit', () => {
  it('viewer may inspect but not reset (FORBIDDEN); operator revokes with reason + ticket; revoked passkey fails login', async () => {
    const env = fresh();
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const reg = await env.rp.startRegistration({ sessionId });
    const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    env.rp.admin.createAdmin({ name: 'sato', role: 'viewer' });
    env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
    const [account] = env.rp.admin.searchAccounts({ admin: 'sato', query: 'yamada' }).accounts;
    expect(account).toMatchObject({ loginId: 'yamada', passkeyCount: 1 });
    expect(env.rp.admin.inspectPasskey({ admin: 'sato', passkeyId: passkey.passkeyId })).toMatchObject({ authenticatorName: 'iCloud Keychain', flags: { be: true, bs: true }, algName: expect.any(String) });
    expect(await codeOf(() => env.rp.admin.resetPasskeys({ admin: 'sato', accountId: account!.accountId, reason: 'r', ticket: 't' }))).toBe('FORBIDDEN');
    expect(await codeOf(() => env.rp.admin.revokePasskey({ admin: 'suzuki', passkeyId: passkey.passkeyId, reason: '', ticket: 'T-1' }))).toBe('REASON_REQUIRED');
    const pending = await env.rp.startLogin({ loginId: 'yamada' });
    const reason = 'lost phone\r\n\u001b[31mFAKE LOG LINE';
    env.rp.admin.revokePasskey({ admin: 'suzuki', passkeyId: passkey.passkeyId, reason, ticket: 'T-1' });
    expect(await codeOf(() => env.rp.getSession({ sessionId }))).toBe('AUTH_REQUIRED');
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: pending.ceremonyId, response: await client.get(pending.options) }))).toBe('CHALLENGE_REPLAYED');
    const again = await env.rp.startLogin();
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: again.ceremonyId, response: await client.get(again.options) }))).toBe('PASSKEY_REVOKED');
    const row = env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.find((e) => e.action === 'admin.revokePasskey')!;
    expect(row.details.reason).toBe(reason);
    expect(escapeForDisplay(String(row.details.reason))).toBe('lost phone\\r\\n\\e[31mFAKE LOG LINE');
    expect(env.rp.admin.verifyAudit({ admin: 'sato' }).ok).toBe(true);
    env.store.close();
  });

  it('audit UPDATE/DELETE abort; tampering is detected by verifyAudit', async () => {
    const env = fresh();
    env.rp.admin.createAdmin({ name: 'sato', role: 'viewer' });
    expect(() => env.store.driver.exec(`UPDATE audit_log SET outcome = 'success'`)).toThrow(/append-only/);
    expect(() => env.store.driver.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    env.store.driver.exec('DROP TRIGGER audit_log_no_update');
    env.store.driver.exec(`UPDATE audit_log SET actor = 'nobody' WHERE id = 1`);
    expect(env.rp.admin.verifyAudit({ admin: 'sato' })).toMatchObject({ ok: false, brokenAt: 1 });
    env.store.close();
  });
});
