import { describe, expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

async function enrolled() {
  const env = setup();
  seedCustomer(env);
  seedCustomer(env, 'tanaka');
  env.rp.admin.createAdmin({ name: 'sato', role: 'viewer' });
  const sessionId = await loginAndStepUp(env);
  const { client } = phone(env);
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
  const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId, response: await client.create(options) });
  return { env, sessionId, credentialId: passkey.credentialId };
}

describe('deletePasskey (the customer deletes their own passkey)', () => {
  it('revokes it with the customer as the actor, drops it from the accepted list, and audits it in the same change', async () => {
    const { env, sessionId, credentialId } = await enrolled();
    expect(env.rp.listSignalData({ sessionId }).acceptedCredentialIds).toEqual([credentialId]);
    expect(env.rp.deletePasskey({ sessionId, credentialId })).toEqual({ credentialId, deletedAt: env.clock.now() });
    expect(env.rp.listSignalData({ sessionId }).acceptedCredentialIds).toEqual([]);
    expect(env.rp.listPasskeys({ sessionId }).passkeys).toEqual([]);
    const row = env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.find((e) => e.action === 'passkey.delete');
    expect(row).toMatchObject({ actor: 'customer:yamada', outcome: 'success', details: { credentialId } });
  });

  it('refuses another customer’s passkey as unknown (PASSKEY_NOT_FOUND, audited) and a second delete (PASSKEY_REVOKED)', async () => {
    const { env, sessionId, credentialId } = await enrolled();
    const other = env.rp.login({ loginId: 'tanaka', password: 'login-pass' }).sessionId;
    expect(await codeOf(() => env.rp.deletePasskey({ sessionId: other, credentialId }))).toBe('PASSKEY_NOT_FOUND');
    expect(env.rp.listPasskeys({ sessionId }).passkeys).toHaveLength(1);
    env.rp.deletePasskey({ sessionId, credentialId });
    expect(await codeOf(() => env.rp.deletePasskey({ sessionId, credentialId }))).toBe('PASSKEY_REVOKED');
    const failures = env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.filter((e) => e.action === 'passkey.delete' && e.outcome === 'failure').map((e) => e.code);
    expect(failures).toEqual(['PASSKEY_NOT_FOUND', 'PASSKEY_REVOKED']);
  });
});
