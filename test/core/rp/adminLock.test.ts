import { describe, expect, it } from 'vitest';
import { causeOf, codeOf, seedCustomer, setup } from './support.js';

function withAdmins() {
  const env = setup({ policy: { maxLoginFailures: 3 } });
  seedCustomer(env);
  env.rp.admin.createAdmin({ name: 'sato', role: 'viewer' });
  env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
  const accountId = env.rp.admin.searchAccounts({ admin: 'suzuki', query: 'yamada' }).accounts[0]!.accountId;
  return { env, accountId };
}

describe('admin.lockAccount / admin.unlockAccount', () => {
  it('locks with a reason, ends the sessions and audits the operator in the same change', async () => {
    const { env, accountId } = withAdmins();
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    const result = env.rp.admin.lockAccount({ admin: 'suzuki', accountId, reason: 'suspected takeover', ticket: 'T-9' });
    expect(result).toEqual({ accountId, locked: true, sessionsEnded: 1 });
    expect(await codeOf(() => env.rp.getSession({ sessionId }))).toBe('AUTH_REQUIRED');
    // The customer is told what a wrong password gets (issue 11); the audit and the error's cause say why.
    expect(await codeOf(() => env.rp.login({ loginId: 'yamada', password: 'login-pass' }))).toBe('LOGIN_FAILED');
    expect(await causeOf(() => env.rp.login({ loginId: 'yamada', password: 'login-pass' }))).toBe('ACCOUNT_LOCKED');
    const refused = env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.filter((e) => e.action === 'login.password').at(-1);
    expect(refused).toMatchObject({ outcome: 'failure', code: 'ACCOUNT_LOCKED', details: { lock: 'operator' } });
    const row = env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.find((e) => e.action === 'admin.lockAccount')!;
    expect(row).toMatchObject({ actor: 'admin:suzuki', outcome: 'success', accountId, details: { reason: 'suspected takeover', ticket: 'T-9', sessionsEnded: 1 } });
  });

  it('unlocks, clears the failed-login counter and the timed lock, and audits it', async () => {
    const { env, accountId } = withAdmins();
    for (let i = 0; i < 3; i++) await codeOf(() => env.rp.login({ loginId: 'yamada', password: 'wrong' }));
    expect(env.store.accounts.byId(accountId)).toMatchObject({ locked: false, failedLogins: 3 });
    expect(env.store.accounts.byId(accountId)!.lockedUntil).toBeGreaterThan(env.clock.now());
    expect(env.rp.admin.unlockAccount({ admin: 'suzuki', accountId, reason: 'customer verified by phone' })).toEqual({ accountId, locked: false });
    expect(env.store.accounts.byId(accountId)).toMatchObject({ locked: false, failedLogins: 0, failedStepUps: 0, lockedUntil: 0 });
    // One wrong password after the unlock does not lock again: the counter restarted.
    await codeOf(() => env.rp.login({ loginId: 'yamada', password: 'wrong' }));
    expect(env.rp.login({ loginId: 'yamada', password: 'login-pass' }).sessionId).toEqual(expect.any(String));
    const row = env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.find((e) => e.action === 'admin.unlockAccount')!;
    expect(row).toMatchObject({ actor: 'admin:suzuki', outcome: 'success', details: { reason: 'customer verified by phone', ticket: null, wasLocked: false, failedLogins: 3 } });
  });

  it('refuses a viewer (FORBIDDEN, audited) and changes nothing', async () => {
    const { env, accountId } = withAdmins();
    expect(await codeOf(() => env.rp.admin.lockAccount({ admin: 'sato', accountId, reason: 'r' }))).toBe('FORBIDDEN');
    expect(await codeOf(() => env.rp.admin.unlockAccount({ admin: 'sato', accountId, reason: 'r' }))).toBe('FORBIDDEN');
    expect(env.store.accounts.byId(accountId)!.locked).toBe(false);
    const refused = env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.filter((e) => e.code === 'FORBIDDEN').map((e) => e.action);
    expect(refused).toEqual(['admin.lockAccount', 'admin.unlockAccount']);
  });

  it('refuses a missing or blank reason (REASON_REQUIRED) and an unknown admin or account', async () => {
    const { env, accountId } = withAdmins();
    expect(await codeOf(() => env.rp.admin.lockAccount({ admin: 'suzuki', accountId, reason: '  ' }))).toBe('REASON_REQUIRED');
    expect(await codeOf(() => env.rp.admin.unlockAccount({ admin: 'suzuki', accountId, reason: undefined as unknown as string }))).toBe('REASON_REQUIRED');
    expect(await codeOf(() => env.rp.admin.lockAccount({ admin: 'nobody', accountId, reason: 'r' }))).toBe('ADMIN_NOT_FOUND');
    expect(await codeOf(() => env.rp.admin.lockAccount({ admin: 'suzuki', accountId: 999, reason: 'r' }))).toBe('ACCOUNT_NOT_FOUND');
    expect(env.rp.admin.readAudit({ admin: 'sato', limit: 1000 }).entries.some((e) => e.action === 'admin.lockAccount')).toBe(false);
  });

  it('keeps the audit chain intact across lock and unlock', () => {
    const { env, accountId } = withAdmins();
    env.rp.admin.lockAccount({ admin: 'suzuki', accountId, reason: 'r1' });
    env.rp.admin.unlockAccount({ admin: 'suzuki', accountId, reason: 'r2' });
    expect(env.rp.admin.verifyAudit({ admin: 'sato' }).ok).toBe(true);
  });
});
