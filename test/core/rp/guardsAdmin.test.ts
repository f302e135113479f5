import { describe, expect, it } from 'vitest';
import { codeOf, loginAndStepUp, phone, seedCustomer, setup } from './support.js';

describe('revoke and reset need a ticket reference as well as a reason', () => {
  it('without a ticket (absent, empty or blank) both are REASON_REQUIRED and nothing is revoked', async () => {
    const env = setup();
    const { accountId } = seedCustomer(env);
    env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const reg = await env.rp.startRegistration({ sessionId });
    const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    for (const ticket of [undefined, '', '   ']) {
      const noTicket = { admin: 'suzuki', reason: 'lost phone', ticket: ticket as string };
      expect(await codeOf(() => env.rp.admin.revokePasskey({ ...noTicket, passkeyId: passkey.passkeyId }))).toBe('REASON_REQUIRED');
      expect(await codeOf(() => env.rp.admin.resetPasskeys({ ...noTicket, accountId }))).toBe('REASON_REQUIRED');
    }
    expect(env.rp.admin.listPasskeys({ admin: 'suzuki', accountId }).passkeys.map((p) => p.revokedAt)).toEqual([null]);
    expect(env.rp.getSession({ sessionId }).loginId).toBe('yamada');
    env.store.close();
  });
});

describe('a lock ends the open ceremonies of the account', () => {
  it('a login ceremony started before a lock does not finish after the unlock (CHALLENGE_REPLAYED)', async () => {
    const env = setup();
    const { accountId } = seedCustomer(env);
    env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const reg = await env.rp.startRegistration({ sessionId });
    await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    // Started (say, by whoever prompted the lock) while the account was open.
    const start = await env.rp.startLogin({ loginId: 'yamada' });
    const response = await client.get(start.options);
    env.rp.admin.lockAccount({ admin: 'suzuki', accountId, reason: 'suspected takeover' });
    env.rp.admin.unlockAccount({ admin: 'suzuki', accountId, reason: 'customer verified by phone' });
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: start.ceremonyId, response }))).toBe('CHALLENGE_REPLAYED');
    const fresh = await env.rp.startLogin({ loginId: 'yamada' });
    expect(await codeOf(env.rp.finishLogin({ ceremonyId: fresh.ceremonyId, response: await client.get(fresh.options) }))).toBe('NO_ERROR');
    env.store.close();
  });
});

describe('support operations leave their audit row', () => {
  it('a reset of every passkey ends the sessions and is audited with the operator, reason, ticket and count', async () => {
    const env = setup();
    const { accountId } = seedCustomer(env);
    env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
    const sessionId = await loginAndStepUp(env);
    const { client } = phone(env);
    const reg = await env.rp.startRegistration({ sessionId });
    await env.rp.finishRegistration({ sessionId, ceremonyId: reg.ceremonyId, response: await client.create(reg.options) });
    expect(env.rp.admin.resetPasskeys({ admin: 'suzuki', accountId, reason: 'lost phone', ticket: 'T-7' })).toEqual({ revoked: 1 });
    const rows = env.rp.admin.readAudit({ admin: 'suzuki', limit: 1000 }).entries.filter((e) => e.action === 'admin.resetPasskeys');
    expect(rows).toEqual([expect.objectContaining({ actor: 'admin:suzuki', outcome: 'success', accountId, details: expect.objectContaining({ revoked: 1, reason: 'lost phone', ticket: 'T-7' }) })]);
    expect(env.rp.admin.verifyAudit({ admin: 'suzuki' }).ok).toBe(true);
    // The customer's sessions end with the reset: whoever holds one must log in again.
    expect(await codeOf(() => env.rp.getSession({ sessionId }))).toBe('AUTH_REQUIRED');
    env.store.close();
  });
});

describe('creating a customer as a back-office admin', () => {
  it('needs the operator role: a viewer is FORBIDDEN (audited) and no account is created', async () => {
    const env = setup();
    env.rp.admin.createAdmin({ name: 'sato', role: 'viewer' });
    const opts = { loginId: 'suzuki-hanako', password: 'login-pass', tradingPassword: 'trade-pass', displayName: '鈴木花子', emails: ['hanako@example.test'], admin: 'sato' };
    expect(await codeOf(() => env.rp.createAccount(opts))).toBe('FORBIDDEN');
    expect(env.store.accounts.byLoginId('suzuki-hanako')).toBeUndefined();
    expect(env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'account.create').map((e) => [e.actor, e.outcome, e.code])).toEqual([['admin:sato', 'failure', 'FORBIDDEN']]);
    env.store.close();
  });
});
