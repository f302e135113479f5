import { describe, expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

/**
 * Account text as a hostile back-office call or IPC caller sends it (HTTP bounds its bodies, IPC and
 * in-process callers do not): WebAuthn §6.4.1 lets authenticators truncate user.name and
 * user.displayName to 64 bytes, so the RP bounds what it creates, and never stores text that
 * SQLite would change (lone surrogates) or that would reach mails and account pickers raw.
 */
const base = { password: 'login-pass', tradingPassword: 'trade-pass', displayName: '山田太郎', emails: ['a@example.test'] };
const accounts = (env: ReturnType<typeof setup>) => (env.store.driver.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;

describe('createAccount bounds user.name, user.displayName, emails and the OTP secret', () => {
  it.each([
    ['a login ID over 64 UTF-8 bytes (22 kanji = 66 bytes)', { loginId: '山'.repeat(22) }],
    ['a login ID with a newline', { loginId: 'yamada\nadmin' }],
    ['a login ID with a lone surrogate', { loginId: 'yamada\ud800' }],
    ['a display name of 5 MB', { loginId: 'big', displayName: 'x'.repeat(5 * 1024 * 1024) }],
    ['a display name with ESC', { loginId: 'esc', displayName: '山田\u001b[2J太郎' }],
    ['a display name with a lone surrogate', { loginId: 'sur', displayName: '山田\udc00' }],
    ['11 email addresses', { loginId: 'many', emails: Array.from({ length: 11 }, (_, i) => `m${i}@example.test`) }],
    ['100,000 email addresses', { loginId: 'flood', emails: Array.from({ length: 100_000 }, (_, i) => `m${i}@example.test`) }],
    ['a 1 MB base32 OTP secret', { loginId: 'otp', otpSecret: 'A'.repeat(1024 * 1024) }],
  ])('refuses %s (INVALID_INPUT) and stores nothing', async (_name, override) => {
    const env = setup();
    expect(await codeOf(() => env.rp.createAccount({ ...base, ...override } as never))).toBe('INVALID_INPUT');
    expect(accounts(env)).toBe(0);
    expect(env.store.audit.list({ limit: 10 })).toHaveLength(0);
  });

  it('accepts the bounds themselves: 64-byte login ID, 128-character display name, 10 addresses', () => {
    const env = setup();
    env.rp.createAccount({ ...base, loginId: 'y'.repeat(64), displayName: '山'.repeat(128), emails: Array.from({ length: 10 }, (_, i) => `m${i}@example.test`) });
    env.rp.createAccount({ ...base, loginId: '山'.repeat(21) });
    expect(accounts(env)).toBe(2);
  });
});

describe('finishRegistration: the passkey name', () => {
  async function register(name: unknown) {
    const env = setup({ policy: { attestationPolicy: 'any' } as never });
    seedCustomer(env);
    const sessionId = await loginAndStepUp(env);
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
    const response = await phone(env).client.create(options);
    const code = await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response, name } as never));
    return { env, sessionId, ceremonyId, response, code, names: env.store.passkeys.listForAccount(1, { includeRevoked: true }).map((p) => p.name) };
  }

  it('a 5 MB name is stored as its first 64 characters, and a cut never splits a surrogate pair', async () => {
    expect((await register('x'.repeat(5 * 1024 * 1024))).names).toEqual(['x'.repeat(64)]);
    // 63 units, then an emoji (2 units) straddling the limit: the cut drops the whole emoji.
    const straddling = await register(`${'a'.repeat(63)}😀tail`);
    expect(straddling.code).toBe('NO_ERROR');
    expect(straddling.names).toEqual(['a'.repeat(63)]);
  });

  it('a name with a lone surrogate is INVALID_INPUT and leaves the ceremony usable', async () => {
    const r = await register('iPhone\ud83d');
    expect([r.code, r.names]).toEqual(['INVALID_INPUT', []]);
    expect(await codeOf(r.env.rp.finishRegistration({ sessionId: r.sessionId, ceremonyId: r.ceremonyId, response: r.response, name: 'iPhone' }))).toBe('NO_ERROR');
    expect(r.env.store.passkeys.listForAccount(1, { includeRevoked: true }).map((p) => p.name)).toEqual(['iPhone']);
  });

  it('a name that is not a string is INVALID_INPUT (it used to become the default name)', async () => {
    expect((await register({ toString: () => 'x' })).code).toBe('INVALID_INPUT');
    expect((await register('   ')).names).toEqual(['パスキー 1']);
  });
});
