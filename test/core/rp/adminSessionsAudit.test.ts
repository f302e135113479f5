import { describe, expect, it } from 'vitest';
import { codeOf, seedCustomer, setup } from './support.js';

function withAdmins() {
  const env = setup();
  seedCustomer(env);
  seedCustomer(env, 'tanaka');
  env.rp.admin.createAdmin({ name: 'sato', role: 'viewer' });
  env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
  const accountId = env.rp.admin.searchAccounts({ admin: 'suzuki', query: 'yamada' }).accounts[0]!.accountId;
  return { env, accountId };
}

describe('admin.listSessions / admin.endSessions', () => {
  it('lists the live sessions newest first without tokens, and ends them all (audited, account stays unlocked)', async () => {
    const { env, accountId } = withAdmins();
    const first = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    env.clock.advance(1000);
    const second = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const { sessions } = env.rp.admin.listSessions({ admin: 'sato', accountId });
    expect(sessions).toHaveLength(2);
    expect(sessions[0]!.createdAt).toBeGreaterThan(sessions[1]!.createdAt);
    expect(JSON.stringify(sessions)).not.toContain(first.sessionId);
    expect(env.rp.admin.endSessions({ admin: 'suzuki', accountId, reason: 'customer lost the phone', ticket: 'T-1' })).toEqual({ accountId, sessionsEnded: 2 });
    expect(await codeOf(() => env.rp.getSession({ sessionId: second.sessionId }))).toBe('AUTH_REQUIRED');
    expect(env.rp.admin.listSessions({ admin: 'sato', accountId }).sessions).toEqual([]);
    expect(env.store.accounts.byId(accountId)!.locked).toBe(false);
    const row = env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.find((e) => e.action === 'admin.endSessions')!;
    expect(row).toMatchObject({ actor: 'admin:suzuki', outcome: 'success', accountId, details: { reason: 'customer lost the phone', ticket: 'T-1', sessionsEnded: 2 } });
  });

  it('refuses a viewer (FORBIDDEN) and a missing reason, and leaves the sessions alone', async () => {
    const { env, accountId } = withAdmins();
    env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    expect(await codeOf(() => env.rp.admin.endSessions({ admin: 'sato', accountId, reason: 'r' }))).toBe('FORBIDDEN');
    expect(await codeOf(() => env.rp.admin.endSessions({ admin: 'suzuki', accountId, reason: ' ' }))).toBe('REASON_REQUIRED');
    expect(await codeOf(() => env.rp.admin.endSessions({ admin: 'suzuki', accountId: 999, reason: 'r' }))).toBe('ACCOUNT_NOT_FOUND');
    expect(env.rp.admin.listSessions({ admin: 'sato', accountId }).sessions).toHaveLength(1);
  });
});

describe('admin.searchAudit', () => {
  it('filters by actor, action prefix, account and time range, newest first, one page at a time', () => {
    const { env, accountId } = withAdmins();
    const t0 = env.clock.now();
    env.rp.admin.lockAccount({ admin: 'suzuki', accountId, reason: 'r1' });
    env.clock.advance(60_000);
    env.rp.admin.unlockAccount({ admin: 'suzuki', accountId, reason: 'r2' });
    env.clock.advance(60_000);
    env.rp.login({ loginId: 'tanaka', password: 'login-pass' });
    const byActor = env.rp.admin.searchAudit({ admin: 'sato', actor: 'suzuki' });
    expect(byActor.entries.map((e) => e.action)).toEqual(['admin.unlockAccount', 'admin.lockAccount']);
    expect(env.rp.admin.searchAudit({ admin: 'sato', action: 'admin.lock' }).entries.map((e) => e.action)).toEqual(['admin.lockAccount']);
    expect(env.rp.admin.searchAudit({ admin: 'sato', accountId }).entries.every((e) => e.accountId === accountId)).toBe(true);
    const window = env.rp.admin.searchAudit({ admin: 'sato', actor: 'admin:', from: t0 + 30_000, to: t0 + 90_000 });
    expect(window.entries.map((e) => e.action)).toEqual(['admin.unlockAccount']);
    const all = env.rp.admin.searchAudit({ admin: 'sato' });
    const page2 = env.rp.admin.searchAudit({ admin: 'sato', offset: 1, limit: 1 });
    expect(page2).toMatchObject({ total: all.total, offset: 1, limit: 1 });
    expect(page2.entries.map((e) => e.id)).toEqual([all.entries[1]!.id]);
    // LIKE wildcards in the filter are literal.
    expect(env.rp.admin.searchAudit({ admin: 'sato', actor: '%' }).total).toBe(0);
  });
});

describe('admin.recordPhoneSignal', () => {
  it('audits the phone as the actor, against the account named by the user handle', () => {
    const { env, accountId } = withAdmins();
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const { userId } = env.rp.listSignalData({ sessionId });
    env.rp.admin.recordPhoneSignal({ admin: 'suzuki', phone: 'iphone', signal: 'allAcceptedCredentials', rpId: 'broker.example.test', userHandle: userId, removedCredentialIds: ['abc'] });
    const row = env.rp.admin.searchAudit({ admin: 'sato', action: 'phone.signal' }).entries[0]!;
    expect(row).toMatchObject({ actor: 'phone:iphone', action: 'phone.signal.allAcceptedCredentials', accountId, details: { removedCredentialIds: ['abc'], by: 'admin:suzuki' } });
  });
});
