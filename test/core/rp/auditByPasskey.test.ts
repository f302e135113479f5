import { describe, expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup, type Env } from './support.js';

/** Registers a passkey for `loginId` on its own phone (seed), so logins can pick which one answers. */
async function register(env: Env, loginId: string, seed: string) {
  const sessionId = await loginAndStepUp(env, loginId);
  const { client } = phone(env, { seed });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
  const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId, response: await client.create(options) });
  return { client, passkey };
}

async function loginWith(env: Env, client: Awaited<ReturnType<typeof register>>['client'], loginId = 'yamada') {
  const { ceremonyId, options } = await env.rp.startLogin({ loginId });
  await env.rp.finishLogin({ ceremonyId, response: await client.get(options) });
  env.clock.advance(1000);
}

/** yamada with two passkeys (a: registered, two logins, revoked by support; b: registered, one login); tanaka with one. */
async function history() {
  const env = setup();
  seedCustomer(env);
  seedCustomer(env, 'tanaka');
  env.rp.admin.createAdmin({ name: 'sato', role: 'viewer' });
  env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
  const a = await register(env, 'yamada', 'phone-a');
  const b = await register(env, 'yamada', 'phone-b');
  const t = await register(env, 'tanaka', 'phone-t');
  await loginWith(env, a.client);
  await loginWith(env, b.client);
  await loginWith(env, a.client);
  await loginWith(env, t.client, 'tanaka');
  env.rp.admin.revokePasskey({ admin: 'suzuki', passkeyId: a.passkey.passkeyId, reason: 'lost phone', ticket: 'SUP-1' });
  return { env, a: a.passkey, b: b.passkey, t: t.passkey };
}

const actions = (page: { entries: { action: string; outcome: string }[] }) => page.entries.map((e) => `${e.action}:${e.outcome}`);

describe('admin.searchAudit by passkey', () => {
  it('returns exactly that passkey’s rows (registration, logins, revocation), newest first, without the other passkey of the same account', async () => {
    const { env, a, b } = await history();
    const page = env.rp.admin.searchAudit({ admin: 'sato', credentialId: a.credentialId });
    expect(actions(page)).toEqual(['admin.revokePasskey:success', 'login.passkey:success', 'login.passkey:success', 'registration.finish:success']);
    expect(page.total).toBe(4);
    expect(page.entries.every((e) => e.details.passkeyId === a.passkeyId)).toBe(true);
    expect(page.entries[0]).toMatchObject({ actor: 'admin:suzuki', details: { reason: 'lost phone', ticket: 'SUP-1', credentialId: a.credentialId } });
    const other = env.rp.admin.searchAudit({ admin: 'sato', credentialId: b.credentialId });
    expect(actions(other)).toEqual(['login.passkey:success', 'registration.finish:success']);
    expect(other.entries.every((e) => e.details.passkeyId === b.passkeyId)).toBe(true);
  });

  it('finds the same rows by passkey ID, or by both when they agree', async () => {
    const { env, a } = await history();
    const byCredential = env.rp.admin.searchAudit({ admin: 'sato', credentialId: a.credentialId }).entries.map((e) => e.id);
    expect(byCredential).toHaveLength(4);
    expect(env.rp.admin.searchAudit({ admin: 'sato', passkeyId: a.passkeyId }).entries.map((e) => e.id)).toEqual(byCredential);
    expect(env.rp.admin.searchAudit({ admin: 'sato', passkeyId: a.passkeyId, credentialId: a.credentialId }).entries.map((e) => e.id)).toEqual(byCredential);
  });

  it('combines with the action filter (prefix) and pages like any search', async () => {
    const { env, a } = await history();
    const logins = env.rp.admin.searchAudit({ admin: 'sato', credentialId: a.credentialId, action: 'login.' });
    expect(actions(logins)).toEqual(['login.passkey:success', 'login.passkey:success']);
    const page2 = env.rp.admin.searchAudit({ admin: 'sato', credentialId: a.credentialId, offset: 1, limit: 1 });
    expect(page2.total).toBe(4);
    expect(actions(page2)).toEqual(['login.passkey:success']);
  });

  it('includes the customer’s own delete and the reset that revoked it (reset rows name no passkey)', async () => {
    const { env, b, t } = await history();
    const tanakaId = env.store.passkeys.byCredentialId(t.credentialId)!.accountId;
    env.rp.admin.resetPasskeys({ admin: 'suzuki', accountId: tanakaId, reason: 'stolen', ticket: 'SUP-2' });
    expect(actions(env.rp.admin.searchAudit({ admin: 'sato', credentialId: t.credentialId }))).toEqual(['admin.resetPasskeys:success', 'login.passkey:success', 'registration.finish:success']);
    // yamada's later reset revokes nothing of b's history: b was already deleted by the customer.
    const sessionId = await loginAndStepUp(env);
    env.rp.deletePasskey({ sessionId, credentialId: b.credentialId });
    const yamadaId = env.store.passkeys.byCredentialId(b.credentialId)!.accountId;
    env.rp.admin.resetPasskeys({ admin: 'suzuki', accountId: yamadaId, reason: 'deleted by the customer', ticket: 'SUP-3' });
    expect(actions(env.rp.admin.searchAudit({ admin: 'sato', credentialId: b.credentialId }))).toEqual(['passkey.delete:success', 'login.passkey:success', 'registration.finish:success']);
  });

  it('includes harness and phone rows that list it among several credentials', async () => {
    const { env, a, b } = await history();
    env.rp.admin.recordPhoneSignal({ admin: 'suzuki', phone: 'phone-a', signal: 'unknownCredential', rpId: 'broker.example.test', removedCredentialIds: [a.credentialId] });
    env.rp.admin.recordHarnessAction({ admin: 'suzuki', action: 'harness.phones.export', credentialIds: [b.credentialId, a.credentialId], details: { phone: 'phone-a', credentialIds: [b.credentialId, a.credentialId] } });
    expect(actions(env.rp.admin.searchAudit({ admin: 'sato', credentialId: a.credentialId }))).toEqual([
      'harness.phones.export:success',
      'phone.signal.unknownCredential:success',
      'admin.revokePasskey:success',
      'login.passkey:success',
      'login.passkey:success',
      'registration.finish:success',
    ]);
    expect(actions(env.rp.admin.searchAudit({ admin: 'sato', credentialId: b.credentialId }))).toEqual(['harness.phones.export:success', 'login.passkey:success', 'registration.finish:success']);
  });

  it('an unknown credential ID is PASSKEY_NOT_FOUND, not an empty history', async () => {
    const { env } = await history();
    expect(await codeOf(() => env.rp.admin.searchAudit({ admin: 'sato', credentialId: 'AAAAAAAAAAAAAAAAAAAAAA' }))).toBe('PASSKEY_NOT_FOUND');
    expect(await codeOf(() => env.rp.admin.searchAudit({ admin: 'sato', passkeyId: 999 }))).toBe('PASSKEY_NOT_FOUND');
  });

  it('refuses a malformed credential or passkey ID with INVALID_INPUT', async () => {
    const { env, a, b } = await history();
    const search = (opts: Record<string, unknown>) => codeOf(() => env.rp.admin.searchAudit({ admin: 'sato', ...opts } as never));
    expect(await search({ credentialId: '' })).toBe('INVALID_INPUT');
    expect(await search({ credentialId: 'abc+/def' })).toBe('INVALID_INPUT'); // the standard alphabet, not base64url
    expect(await search({ credentialId: 'abcd==' })).toBe('INVALID_INPUT'); // padding
    expect(await search({ credentialId: 'abcde' })).toBe('INVALID_INPUT'); // 5 characters encode no whole byte count
    expect(await search({ credentialId: 'A'.repeat(1365) })).toBe('INVALID_INPUT'); // over 1023 bytes
    expect(await search({ credentialId: ` ${a.credentialId}` })).toBe('INVALID_INPUT');
    expect(await search({ credentialId: 42 })).toBe('INVALID_INPUT');
    expect(await search({ passkeyId: 0 })).toBe('INVALID_INPUT');
    expect(await search({ passkeyId: '1' })).toBe('INVALID_INPUT');
    expect(await search({ credentialId: a.credentialId, passkeyId: b.passkeyId })).toBe('INVALID_INPUT');
    const tanaka = env.rp.admin.searchAccounts({ admin: 'sato', query: 'tanaka' }).accounts[0]!.accountId;
    expect(await search({ credentialId: a.credentialId, accountId: tanaka })).toBe('INVALID_INPUT');
  });

  it('walks the account index, not the whole log (EXPLAIN QUERY PLAN of the search as run)', async () => {
    const { env, a } = await history();
    const driver = env.store.driver;
    const seen: string[] = [];
    const prepare = driver.prepare.bind(driver);
    driver.prepare = (sql: string) => {
      seen.push(sql);
      return prepare(sql);
    };
    env.rp.admin.searchAudit({ admin: 'sato', credentialId: a.credentialId, action: 'login.' });
    driver.prepare = prepare;
    const search = seen.filter((sql) => sql.includes('@pkCredential'));
    expect(search).toHaveLength(2); // the count and the page
    for (const sql of search) {
      const plan = prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all({ actor: null, action: 'login.%', accountId: null, from: null, to: null, pkAccount: 1, pkId: 1, pkCredential: 'x', pkReset: null, ...(sql.includes('@limit') ? { limit: 50, offset: 0 } : {}) })
        .map((r) => String(r.detail));
      expect(plan.some((d) => /SEARCH audit_log USING INDEX audit_account/.test(d)), plan.join('\n')).toBe(true);
      expect(plan.some((d) => /^SCAN audit_log\b/.test(d)), plan.join('\n')).toBe(false);
    }
  });

  it('is a viewer read: it writes no audit row', async () => {
    const { env, a } = await history();
    const before = env.rp.admin.searchAudit({ admin: 'sato' }).total;
    expect(env.rp.admin.searchAudit({ admin: 'sato', credentialId: a.credentialId }).total).toBe(4);
    expect(env.rp.admin.searchAudit({ admin: 'sato' }).total).toBe(before);
  });
});
