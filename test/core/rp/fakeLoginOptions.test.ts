import { describe, expect, it } from 'vitest';
import { fromBase64url } from '../../../core/webauthn/index.js';
import { loginAndStepUp, phone, seedCustomer, setup, type Env } from './support.js';

/**
 * Issue 11: username-first passkey login options revealed who has a passkey — a registered user got
 * a 64-byte credential with ["nfc","usb"], an unknown ID a 32-byte fake with ["hybrid","internal"].
 * Fakes now copy the shape (count, ID lengths, transports) of this database's real passkeys, and stay
 * the same for the same login ID.
 */
async function enrol(env: Env, loginId: string, profile: string, seed: string): Promise<void> {
  seedCustomer(env, loginId);
  const sessionId = await loginAndStepUp(env, loginId);
  const { client } = phone(env, { profile, seed });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
  await env.rp.finishRegistration({ sessionId, ceremonyId, response: await client.create(options) });
}

async function shape(env: Env, loginId: string) {
  const { options } = await env.rp.startLogin({ loginId });
  return (options.allowCredentials ?? []).map((c) => ({ id: c.id, length: fromBase64url(c.id).length, transports: c.transports }));
}

describe('fake passkey login options', () => {
  it('unknown IDs and accounts without passkeys get credentials shaped like the real ones, stable per login ID', async () => {
    const env = setup();
    await enrol(env, 'yamada', 'yubikey-5', 'key-1');
    await enrol(env, 'sasaki', 'yubikey-5', 'key-2');
    seedCustomer(env, 'nokey');
    const real = await shape(env, 'yamada');
    expect(real.map(({ length, transports }) => ({ length, transports }))).toEqual([{ length: 64, transports: ['nfc', 'usb'] }]);
    for (const loginId of ['ghost', 'nobody-here', 'nokey']) {
      const fake = await shape(env, loginId);
      expect(fake.map(({ length, transports }) => ({ length, transports })), loginId).toEqual([{ length: 64, transports: ['nfc', 'usb'] }]);
      expect(await shape(env, loginId), `${loginId} again`).toEqual(fake);
    }
    expect((await shape(env, 'ghost'))[0]!.id).not.toBe((await shape(env, 'nobody-here'))[0]!.id);
  });

  it('with several kinds of passkey, every fake looks like one of the real ones', async () => {
    const env = setup();
    await enrol(env, 'yamada', 'yubikey-5', 'key-1');
    await enrol(env, 'sasaki', 'iphone-icloud', 'phone-1');
    await enrol(env, 'tanaka', 'windows-hello', 'hello-1');
    const real = new Set<string>();
    for (const loginId of ['yamada', 'sasaki', 'tanaka']) real.add(JSON.stringify((await shape(env, loginId)).map(({ length, transports }) => ({ length, transports }))));
    expect(real.size).toBe(3);
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const fake = JSON.stringify((await shape(env, `unknown-${i}`)).map(({ length, transports }) => ({ length, transports })));
      expect(real.has(fake), fake).toBe(true);
      seen.add(fake);
    }
    // Drawn across the population, not always the same model.
    expect(seen.size).toBeGreaterThan(1);
  });
});

// In-process callers get the options exactly as an HTTP client parses them: no undefined members
// (the library leaves some), nothing shared with the library's objects.
it('start options are plain JSON in process, for real and unknown login IDs and both ceremonies', async () => {
  const env = setup();
  await enrol(env, 'yamada', 'yubikey-5', 'key-1');
  const sessionId = await loginAndStepUp(env, 'yamada');
  const registration = await env.rp.startRegistration({ sessionId });
  expect(registration.options).toStrictEqual(JSON.parse(JSON.stringify(registration.options)));
  for (const loginId of ['yamada', 'ghost', undefined]) {
    const { options } = await env.rp.startLogin(loginId === undefined ? {} : { loginId });
    expect(options, String(loginId)).toStrictEqual(JSON.parse(JSON.stringify(options)));
    expect(Object.values(options)).not.toContain(undefined);
  }
});
