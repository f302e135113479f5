import { describe, expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

/** Ceremony guards that no other test pinned: single use before any other check, and the expiry boundary. */

async function registered(profile?: string) {
  const env = setup();
  seedCustomer(env);
  const sessionId = await loginAndStepUp(env);
  const p = phone(env, profile ? { profile } : {});
  const reg = await env.rp.startRegistration({ sessionId });
  await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await p.client.create(reg.options) });
  return { env, ...p };
}

describe('ceremony single use', () => {
  it('a replayed assertion from an authenticator with a counter is CHALLENGE_REPLAYED, not a clone alarm', async () => {
    const { env, client } = await registered('yubikey-5');
    const start = await env.rp.startLogin({ loginId: 'yamada' });
    const response = await client.get(start.options);
    expect((await env.rp.finishLogin({ ceremonyId: start.ceremonyId, response })).counter).toBeGreaterThan(0);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: start.ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');
    expect(env.store.audit.list({ limit: 1000 }).some((e) => e.action === 'login.clone-suspected')).toBe(false);
    env.store.close();
  });
});

describe('ceremony expiry (WebAuthn §13.4.3)', () => {
  it('a login ceremony is still open at exactly challengeTtlMs and expired 1 ms later (CHALLENGE_EXPIRED)', async () => {
    const { env, client } = await registered();
    const onTime = await env.rp.startLogin({ loginId: 'yamada' });
    const onTimeResponse = await client.get(onTime.options);
    const late = await env.rp.startLogin({ loginId: 'yamada' });
    const lateResponse = await client.get(late.options);
    env.clock.advance(env.rp.policy.challengeTtlMs);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: onTime.ceremonyId, response: onTimeResponse }))).toBe('NO_ERROR');
    env.clock.advance(1);
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: late.ceremonyId, response: lateResponse }))).toBe('CHALLENGE_EXPIRED');
    env.store.close();
  });
});
