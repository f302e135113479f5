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
});
