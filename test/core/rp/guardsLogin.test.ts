import { describe, expect, it } from 'vitest';
import { memoryCredentialStore, type StoredCredential } from '../../../core/authenticator/index.js';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup, type Env } from './support.js';

/**
 * WebAuthn §7.2 guards that no other test pinned. A clone is a second authenticator holding a copy
 * of the first one's credential store (private key and signature counter included).
 */

async function registered(profile: string) {
  const env = setup();
  const { accountId } = seedCustomer(env);
  env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
  const sessionId = await loginAndStepUp(env);
  const original = phone(env, { profile });
  const reg = await env.rp.startRegistration({ sessionId });
  await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await original.client.create(reg.options) });
  return { env, accountId, original };
}

function cloneOf(env: Env, source: ReturnType<typeof phone>, profile: string) {
  const copies: StoredCredential[] = source.authenticator.listCredentials().map((c) => ({ ...c }));
  return phone(env, { profile, credentials: memoryCredentialStore(copies) });
}

/** Username-first for a login ID, discoverable for null. */
async function login(env: Env, client: ReturnType<typeof phone>['client'], loginId: string | null = 'yamada') {
  const start = await env.rp.startLogin(loginId === null ? {} : { loginId });
  return { ceremonyId: start.ceremonyId, response: await client.get(start.options) };
}

describe('§7.2 step 21: signature counter', () => {
  it('a counter equal to the stored one (not only a lower one) is COUNTER_REGRESSION', async () => {
    const { env, original } = await registered('yubikey-5');
    await env.rp.finishLogin(await login(env, original.client));
    const clone = cloneOf(env, original, 'yubikey-5');
    const first = await env.rp.finishLogin(await login(env, original.client));
    // The clone signs the count the original has just used.
    const replayed = await login(env, clone.client);
    expect(await codeOf(env.rp.finishLogin(replayed))).toBe('COUNTER_REGRESSION');
    expect(env.store.passkeys.byId(first.passkeyId)!.counter).toBe(first.counter);
    env.store.close();
  });

  it('two assertions with the same counter finishing at once: exactly one opens a session, the other is COUNTER_REGRESSION', async () => {
    const { env, original, accountId } = await registered('yubikey-5');
    const clone = cloneOf(env, original, 'yubikey-5');
    const a = await login(env, original.client);
    const b = await login(env, clone.client);
    const before = env.rp.admin.listSessions({ admin: 'suzuki', accountId }).sessions.length;
    const results = await Promise.all([codeOf(env.rp.finishLogin(a)), codeOf(env.rp.finishLogin(b))]);
    expect(results.sort()).toEqual(['COUNTER_REGRESSION', 'NO_ERROR']);
    expect(env.rp.admin.listSessions({ admin: 'suzuki', accountId }).sessions).toHaveLength(before + 1);
    env.store.close();
  });
});

describe('§7.2 steps 6 and 19: user handle and backup eligibility', () => {
  it('a discoverable login whose assertion carries no userHandle is USER_HANDLE_MISMATCH', async () => {
    const { env, original } = await registered('iphone-icloud');
    const { ceremonyId, response } = await login(env, original.client, null);
    expect(response.response.userHandle).toEqual(expect.any(String));
    const { userHandle: _dropped, ...inner } = response.response;
    expect(await codeOf(env.rp.finishLogin({ ceremonyId, response: { ...response, response: inner } }))).toBe('USER_HANDLE_MISMATCH');
    env.store.close();
  });

  it('a backup-eligible passkey asserting BE = 0 (its key copied onto a device-bound authenticator) is BACKUP_FLAGS_INVALID', async () => {
    const { env, original } = await registered('iphone-icloud');
    const deviceBound = cloneOf(env, original, 'yubikey-5');
    expect(await codeOf(env.rp.finishLogin(await login(env, deviceBound.client)))).toBe('BACKUP_FLAGS_INVALID');
    expect(await codeOf(env.rp.finishLogin(await login(env, original.client)))).toBe('NO_ERROR');
    env.store.close();
  });
});

describe('an operator-locked account', () => {
  it('cannot log in with a passkey (ACCOUNT_LOCKED) and gets no session, username-first or discoverable', async () => {
    const { env, original, accountId } = await registered('iphone-icloud');
    env.rp.admin.lockAccount({ admin: 'suzuki', accountId, reason: 'suspected takeover' });
    expect(await codeOf(env.rp.finishLogin(await login(env, original.client)))).toBe('ACCOUNT_LOCKED');
    expect(await codeOf(env.rp.finishLogin(await login(env, original.client, null)))).toBe('ACCOUNT_LOCKED');
    expect(env.rp.admin.listSessions({ admin: 'suzuki', accountId }).sessions).toEqual([]);
    env.store.close();
  });
});
