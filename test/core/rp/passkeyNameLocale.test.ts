import { describe, expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup, type Env } from './support.js';

/**
 * A passkey registered without a name is numbered in the customer's language: 「パスキー N」 by
 * default (a Japanese brokerage), "Passkey N" when the pages run in English.
 */
function fresh(): Env {
  const env = setup();
  seedCustomer(env);
  return env;
}

/** One registration from a new device (excludeCredentials would refuse the same one twice). */
async function register(env: Env, sessionId: string, device: string, extra: { name?: string; locale?: unknown }) {
  const { client } = phone(env, { seed: device });
  const reg = await env.rp.startRegistration({ sessionId });
  const response = await client.create(reg.options);
  return { reg, response, finish: () => env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response, ...(extra as { name?: string; locale?: 'ja' | 'en' }) }) };
}

describe('default passkey names follow the locale', () => {
  it('names it 「パスキー N」 without a locale, "Passkey N" for en and 「パスキー N」 for ja, numbering all the account\'s passkeys', async () => {
    const env = fresh();
    const sessionId = await loginAndStepUp(env);
    const names: string[] = [];
    for (const [device, extra] of [['one', {}], ['two', { locale: 'en' }], ['three', { locale: 'ja' }], ['four', { locale: null }]] as const) {
      names.push((await (await register(env, sessionId, device, extra)).finish()).passkey.name);
    }
    expect(names).toEqual(['パスキー 1', 'Passkey 2', 'パスキー 3', 'パスキー 4']);
    env.store.close();
  });

  it('a name the customer chose wins over the locale', async () => {
    const env = fresh();
    const sessionId = await loginAndStepUp(env);
    const { passkey } = await (await register(env, sessionId, 'one', { name: '仕事用 iPhone', locale: 'en' })).finish();
    expect(passkey.name).toBe('仕事用 iPhone');
    env.store.close();
  });

  it('refuses any other locale as INVALID_INPUT before the ceremony is opened: nothing stored, the ceremony still usable', async () => {
    const env = fresh();
    const sessionId = await loginAndStepUp(env);
    const { reg, response } = await register(env, sessionId, 'one', {});
    for (const bad of ['fr', 'EN', 'en-US', 'ja-JP', '', ' en', 1, true, {}, ['en']]) {
      const attempt = env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response, locale: bad as 'en' });
      await expect(attempt, JSON.stringify(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'locale must be one of ja, en' });
    }
    expect(env.store.passkeys.byCredentialId(response.id)).toBeUndefined();
    expect(env.store.driver.prepare('SELECT COUNT(*) AS n FROM used_ceremonies').get<{ n: number }>()!.n).toBe(0);
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response, locale: 'en' }))).toBe('NO_ERROR');
    expect(env.store.passkeys.byCredentialId(response.id)!.name).toBe('Passkey 1');
    env.store.close();
  });
});
