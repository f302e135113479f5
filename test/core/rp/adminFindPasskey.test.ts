import { describe, expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

async function withPasskeys() {
  const env = setup();
  seedCustomer(env, 'yamada');
  seedCustomer(env, 'tanaka');
  env.rp.admin.createAdmin({ name: 'sato', role: 'viewer' });
  env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
  const credentialIds: Record<string, string> = {};
  for (const loginId of ['yamada', 'tanaka']) {
    const sessionId = await loginAndStepUp(env, loginId);
    const { client } = phone(env, { seed: loginId });
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
    await env.rp.finishRegistration({ sessionId, ceremonyId, response: await client.create(options) });
    credentialIds[loginId] = env.rp.listPasskeys({ sessionId }).passkeys[0]!.credentialId;
  }
  return { env, credentialIds };
}

describe('admin.findPasskey', () => {
  it('finds a passkey by credential ID with its account, for a viewer', async () => {
    const { env, credentialIds } = await withPasskeys();
    const accountId = env.rp.admin.searchAccounts({ admin: 'sato', query: 'tanaka' }).accounts[0]!.accountId;
    const found = env.rp.admin.findPasskey({ admin: 'sato', credentialId: credentialIds.tanaka! });
    expect(found).toMatchObject({ credentialId: credentialIds.tanaka, loginId: 'tanaka', accountId, authenticatorName: 'iCloud Keychain', revokedAt: null });
    expect(found.passkeyId).toBe(env.rp.admin.listPasskeys({ admin: 'sato', accountId }).passkeys[0]!.passkeyId);
    env.store.close();
  });

  it('still finds a revoked passkey (support needs the history)', async () => {
    const { env, credentialIds } = await withPasskeys();
    const { passkeyId } = env.rp.admin.findPasskey({ admin: 'sato', credentialId: credentialIds.yamada! });
    const { revokedAt } = env.rp.admin.revokePasskey({ admin: 'suzuki', passkeyId, reason: 'lost phone', ticket: 'T-1' });
    expect(env.rp.admin.findPasskey({ admin: 'sato', credentialId: credentialIds.yamada! })).toMatchObject({ passkeyId, loginId: 'yamada', revokedAt });
    env.store.close();
  });

  it('answers PASSKEY_NOT_FOUND for an unknown credential ID and ADMIN_NOT_FOUND for an unknown admin', async () => {
    const { env, credentialIds } = await withPasskeys();
    expect(await codeOf(() => env.rp.admin.findPasskey({ admin: 'sato', credentialId: 'AAAA' }))).toBe('PASSKEY_NOT_FOUND');
    expect(await codeOf(() => env.rp.admin.findPasskey({ admin: 'nobody', credentialId: credentialIds.yamada! }))).toBe('ADMIN_NOT_FOUND');
    env.store.close();
  });
});
