import { describe, expect, it } from 'vitest';
import { seedCustomer, setup } from './support.js';

describe('logout', () => {
  it('is audited once, with the account; a second logout with the same ID writes nothing', () => {
    const env = setup();
    const { accountId } = seedCustomer(env);
    const { sessionId } = env.rp.login({ loginId: 'yamada', password: 'login-pass' });
    env.rp.logout({ sessionId });
    env.rp.logout({ sessionId });
    const rows = env.store.audit.list({ limit: 1000 }).filter((e) => e.action === 'logout');
    expect(rows).toEqual([expect.objectContaining({ outcome: 'success', accountId, actor: expect.stringMatching(/^session:\d+$/) })]);
    expect(env.store.audit.verify().ok).toBe(true);
    env.store.close();
  });
});
