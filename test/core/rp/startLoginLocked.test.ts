import { describe, expect, it } from 'vitest';
import { seedCustomer, setup } from './support.js';

describe('startLogin of a locked account', () => {
  it('answers as for any account but is not audited as a success (login.start failure ACCOUNT_LOCKED)', async () => {
    const env = setup();
    seedCustomer(env);
    env.rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
    const accountId = env.rp.admin.searchAccounts({ admin: 'suzuki', query: 'yamada' }).accounts[0]!.accountId;
    const starts = () => env.rp.admin.readAudit({ admin: 'suzuki', limit: 1000 }).entries.filter((e) => e.action === 'login.start');

    const open = await env.rp.startLogin({ loginId: 'yamada' });
    expect(starts().at(-1)).toMatchObject({ outcome: 'success', code: null, accountId });

    env.rp.admin.lockAccount({ admin: 'suzuki', accountId, reason: 'suspected takeover' });
    const locked = await env.rp.startLogin({ loginId: 'yamada' });
    // Over HTTP the answer must not tell a locked account apart: same shape, same credentials.
    expect(Object.keys(locked.options).sort()).toEqual(Object.keys(open.options).sort());
    expect(locked.options.allowCredentials).toEqual(open.options.allowCredentials);
    expect(starts().at(-1)).toMatchObject({ outcome: 'failure', code: 'ACCOUNT_LOCKED', accountId, details: { discoverable: false } });
  });
});
