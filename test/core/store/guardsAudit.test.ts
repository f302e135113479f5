import { describe, expect, it } from 'vitest';
import { canonicalAuditRow, chainHash } from '../../../core/store/repositories/auditChain.js';
import { openStore } from '../../../core/store/openStore.js';

describe('audit chain verification', () => {
  it('finds the newest row rewritten with a consistent recomputed hash: it no longer matches the signed checkpoint', () => {
    const store = openStore({ path: ':memory:' });
    for (let i = 1; i <= 3; i++) store.audit.append({ at: i, actor: 'admin:suzuki', action: 'admin.lockAccount', outcome: 'success', accountId: 1, details: { n: i } });
    expect(store.audit.verify().ok).toBe(true);
    // Someone with the file rewrites the head row and its hash: the chain alone still links up.
    store.driver.exec('DROP TRIGGER audit_log_no_update');
    const head = store.audit.list({ limit: 1000 }).at(-1)!;
    const forged = { ...head, actor: 'admin:nobody', details: JSON.stringify(head.details) };
    const hash = chainHash(head.prevHash, canonicalAuditRow(forged));
    store.driver.prepare('UPDATE audit_log SET actor = @actor, hash = @hash WHERE id = @id').run({ actor: forged.actor, hash, id: head.id });
    expect(store.audit.verify()).toMatchObject({ ok: false, brokenAt: head.id });
    store.close();
  });

  it('a row whose details were overwritten with text that is not JSON still lists (shown as unreadable) and fails verification', () => {
    const store = openStore({ path: ':memory:' });
    for (let i = 1; i <= 3; i++) store.audit.append({ at: i, actor: 'admin:suzuki', action: 'admin.lockAccount', outcome: 'success', accountId: 1, details: { n: i } });
    store.driver.exec('DROP TRIGGER audit_log_no_update');
    const [, second] = store.audit.list({ limit: 1000 });
    store.driver.prepare('UPDATE audit_log SET details = @details WHERE id = @id').run({ details: '{"n": 2, oops', id: second!.id });
    const listed = store.audit.list({ limit: 1000 });
    expect(listed).toHaveLength(3);
    expect(listed[1]!.details).toEqual({ unreadable: '{"n": 2, oops' });
    expect(listed[2]!.details).toEqual({ n: 3 });
    expect(store.audit.verify()).toMatchObject({ ok: false, brokenAt: second!.id });
    store.close();
  });
});
