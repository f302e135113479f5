import { describe, expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup, type Env } from './support.js';

/**
 * A finish awaits its signature and attestation checks; an operator action (or a logout) that lands
 * in between must still end the ceremony. Before the fix, the finish checked the account and the
 * session only before its await: a login overtaken by a lock opened a session on the locked account,
 * and a registration overtaken by a reset (lost phone) or a logout stored its passkey anyway.
 */

function world() {
  const env = setup();
  const { accountId } = seedCustomer(env);
  env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
  return { env, accountId };
}

async function registered(env: Env) {
  const sessionId = await loginAndStepUp(env);
  const p = phone(env);
  const reg = await env.rp.startRegistration({ sessionId });
  await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await p.client.create(reg.options) });
  return p;
}

const failures = (env: Env, action: string) => env.store.audit.list({ limit: 1000 }).filter((e) => e.action === action && e.outcome === 'failure').map((e) => e.code);

describe('operator actions that overtake an in-flight finish', () => {
  it('a lock while a passkey login is being verified refuses the login (ACCOUNT_LOCKED) and leaves no session', async () => {
    const { env, accountId } = world();
    const { client } = await registered(env);
    const start = await env.rp.startLogin({});
    const response = await client.get(start.options);
    const inFlight = env.rp.finishLogin({ ceremonyId: start.ceremonyId, response });
    // Runs while finishLogin awaits the signature check.
    env.rp.admin.lockAccount({ admin: 'suzuki', accountId, reason: 'suspected takeover' });
    expect(await codeOf(inFlight)).toBe('ACCOUNT_LOCKED');
    expect(env.rp.admin.listSessions({ admin: 'suzuki', accountId }).sessions).toEqual([]);
    expect(failures(env, 'login.passkey')).toEqual(['ACCOUNT_LOCKED']);
    // The ceremony is used up: it does not succeed after an unlock either.
    env.rp.admin.unlockAccount({ admin: 'suzuki', accountId, reason: 'cleared' });
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: start.ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');
    env.store.close();
  });

  it('a revocation while a discoverable login with that passkey is being verified refuses the login and opens no session', async () => {
    const { env, accountId } = world();
    const { client } = await registered(env);
    const passkeyId = env.rp.admin.listPasskeys({ admin: 'suzuki', accountId }).passkeys[0]!.passkeyId;
    const before = env.rp.admin.listSessions({ admin: 'suzuki', accountId }).sessions.length;
    const start = await env.rp.startLogin({});
    const inFlight = env.rp.finishLogin({ ceremonyId: start.ceremonyId, response: await client.get(start.options) });
    env.rp.admin.revokePasskey({ admin: 'suzuki', passkeyId, reason: 'lost phone', ticket: 'T-2' });
    // Said as what it is, not as a clone alarm (COUNTER_REGRESSION).
    expect(await codeOf(inFlight)).toBe('PASSKEY_REVOKED');
    // The revocation ended the sessions there were; the overtaken login opened none.
    expect(env.rp.admin.listSessions({ admin: 'suzuki', accountId }).sessions).toHaveLength(0);
    expect(before).toBeGreaterThan(0);
    env.store.close();
  });

  it('a passkey reset (lost phone) while a registration is being verified ends it: no new passkey survives the reset', async () => {
    const { env, accountId } = world();
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const reg = await env.rp.startRegistration({ sessionId });
    const inFlight = env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    env.rp.admin.resetPasskeys({ admin: 'suzuki', accountId, reason: 'lost phone', ticket: 'T-1' });
    expect(await codeOf(inFlight)).toBe('CHALLENGE_REPLAYED');
    expect(env.rp.admin.listPasskeys({ admin: 'suzuki', accountId }).passkeys).toEqual([]);
    expect(failures(env, 'registration.finish')).toEqual(['CHALLENGE_REPLAYED']);
    env.store.close();
  });

  it('a logout while a registration is being verified ends it (AUTH_REQUIRED): nothing is registered', async () => {
    const { env, accountId } = world();
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const reg = await env.rp.startRegistration({ sessionId });
    const inFlight = env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    env.rp.logout({ sessionId });
    expect(await codeOf(inFlight)).toBe('AUTH_REQUIRED');
    expect(env.rp.admin.listPasskeys({ admin: 'suzuki', accountId }).passkeys).toEqual([]);
    env.store.close();
  });
});
