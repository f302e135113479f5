// The store contract both SQLite drivers must pass (DESIGN §5). No vitest here: the same
// file is bundled and run under Node 24 for the node:sqlite driver.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from '../../../core/errors.js';
import { MIGRATIONS } from '../../../core/store/migrations.js';
import { openStore, type Store } from '../../../core/store/openStore.js';
import { auditKeyPath, auditSidecarPath } from '../../../core/store/auditAnchor.js';
import { openBetterSqlite, openNodeSqlite, type SqliteDriver } from '../../../core/store/driver.js';

export type DriverKind = SqliteDriver['kind'];
export interface ContractResult {
  name: string;
  ok: boolean;
  error?: string;
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HarnessError, `expected HarnessError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return;
  }
  assert.fail(`expected ${code}`);
}

function expectAbort(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof Error && pattern.test(error.message));
}

function assertAudit(result: ReturnType<Store['audit']['verify']>, expected: { count?: number; brokenAt: number; missing: number }, problem: RegExp): void {
  assert.equal(result.ok, false, 'verify must report tampering');
  if (expected.count !== undefined) assert.equal(result.count, expected.count);
  assert.equal(result.brokenAt, expected.brokenAt);
  assert.equal(result.missing, expected.missing);
  assert.match(result.problems!.join('\n'), problem);
}

function seedAccount(store: Store, loginId = 'alice'): number {
  return store.accounts.insert({
    loginId,
    userHandle: new Uint8Array([1, 2, 3, ...new TextEncoder().encode(loginId)]),
    passwordHash: 'x',
    tradingPasswordHash: 'y',
    displayName: 'Alice',
    createdAt: 1000,
  });
}

const CASES: Array<[string, (store: Store, path: string, kind: DriverKind) => void]> = [
  [
    'migrations run once and set user_version; pragmas are set',
    (store, path, kind) => {
      assert.equal(store.schemaVersion(), MIGRATIONS[MIGRATIONS.length - 1]!.version);
      assert.equal(String(store.driver.pragma('journal_mode')).toLowerCase(), 'wal');
      assert.equal(Number(store.driver.pragma('foreign_keys')), 1);
      assert.equal(Number(store.driver.pragma('synchronous')), 1);
      assert.equal(Number(store.driver.pragma('busy_timeout')), 5000);
      seedAccount(store);
      store.close();
      const again = openStore({ path, driver: kind });
      assert.equal(again.accounts.byLoginId('alice')?.displayName, 'Alice');
      again.close();
    },
  ],
  [
    'accounts: duplicate login ID is ACCOUNT_EXISTS; BLOBs come back as plain Uint8Array',
    (store) => {
      const id = seedAccount(store);
      expectCode(() => seedAccount(store), 'ACCOUNT_EXISTS');
      const row = store.accounts.byUserHandle(new Uint8Array([1, 2, 3, 97, 108, 105, 99, 101]));
      assert.equal(row?.id, id);
      assert.equal(row?.userHandle.constructor, Uint8Array);
      assert.deepEqual([...row!.userHandle], [1, 2, 3, 97, 108, 105, 99, 101]);
      // The policy (core/rp) decides the delay from the count; the store keeps the later of two lock times.
      const delay = (n: number) => (n >= 2 ? 5000 : 0);
      assert.deepEqual(store.accounts.recordLoginFailure(id, delay), { failedLogins: 1, lockedUntil: 0 });
      assert.deepEqual(store.accounts.recordLoginFailure(id, delay), { failedLogins: 2, lockedUntil: 5000 });
      assert.deepEqual(store.accounts.recordLoginFailure(id, () => 10), { failedLogins: 3, lockedUntil: 5000 });
      assert.equal(store.accounts.byId(id)?.locked, false);
      store.accounts.resetLoginFailures(id);
      assert.deepEqual([store.accounts.byId(id)?.failedLogins, store.accounts.byId(id)?.lockedUntil], [0, 0]);
      assert.equal(store.accounts.search('ali', 10).length, 1);
      assert.equal(store.accounts.search('%', 10).length, 0);
    },
  ],
  [
    'transaction rolls back every step when one throws',
    (store) => {
      assert.throws(() =>
        store.transaction(() => {
          seedAccount(store, 'bob');
          store.transaction(() => seedAccount(store, 'carol'));
          throw new Error('boom');
        }),
      );
      assert.equal(store.accounts.byLoginId('bob'), undefined);
      assert.equal(store.accounts.byLoginId('carol'), undefined);
    },
  ],
  [
    'passkeys: credential ID unique across accounts (CREDENTIAL_EXISTS); counter compare-and-swap',
    (store) => {
      const a = seedAccount(store, 'a1');
      const b = seedAccount(store, 'b1');
      const base = { credentialId: 'Y3JlZA', publicKey: new Uint8Array([9]), alg: -7, name: 'p', aaguid: '00000000-0000-0000-0000-000000000000', transports: ['internal'], backupEligible: true, backupState: true, userVerified: true, counter: 0, fmt: 'none', createdAt: 1 };
      const stored = store.passkeys.insert({ ...base, accountId: a });
      const id = stored.id;
      // The row comes back as stored (RETURNING): the same as reading it again.
      assert.deepEqual(stored, store.passkeys.byId(id));
      assert.equal(stored.lastUsedAt, null);
      expectCode(() => store.passkeys.insert({ ...base, accountId: b }), 'CREDENTIAL_EXISTS');
      assert.equal(store.passkeys.updateCounter(id, 0, 5, 2, { backupState: true }), true);
      assert.equal(store.passkeys.updateCounter(id, 0, 6, 3, { backupState: true }), false);
      assert.equal(store.passkeys.byId(id)?.counter, 5);
      assert.deepEqual(store.passkeys.byCredentialId('Y3JlZA')?.transports, ['internal']);
      assert.equal(store.passkeys.revoke(id, { now: 4, reason: 'r', ticket: 't' }), true);
      assert.equal(store.passkeys.countActive(a), 0);
    },
  ],
  [
    'used ceremonies: recorded exactly once, purged after expiry; deleting the session removes its codes',
    (store) => {
      const a = seedAccount(store);
      const s = store.sessions.create({ tokenHash: 'h1', accountId: a, now: 1 });
      assert.equal(store.ceremonies.usedAt('c1'), undefined);
      assert.equal(store.ceremonies.markUsed({ label: 'c1', usedAt: 3, expiresAt: 10 }), true);
      assert.equal(store.ceremonies.markUsed({ label: 'c1', usedAt: 4, expiresAt: 10 }), false);
      assert.equal(store.ceremonies.usedAt('c1'), 3);
      assert.equal(store.ceremonies.markUsed({ label: 'c2', usedAt: 3, expiresAt: 20 }), true);
      assert.equal(store.ceremonies.deleteExpired(15), 1);
      assert.equal(store.ceremonies.usedAt('c1'), undefined);
      assert.equal(store.ceremonies.usedAt('c2'), 3);
      const email = store.emails.add(a, 'a@example.test');
      store.stepUp.insert({ sessionId: s, accountId: a, emailId: email, purpose: 'p', salt: new Uint8Array(16), codeHash: new Uint8Array(32), createdAt: 1, expiresAt: 2 });
      store.sessions.delete(s);
      assert.equal(store.stepUp.latest(s, 'p'), undefined);
    },
  ],
  [
    'audit log: hash chain verifies; UPDATE and DELETE abort; tampering is detected',
    (store) => {
      for (let i = 0; i < 3; i++) store.audit.append({ at: i, actor: 'test', action: 'act', outcome: 'success', details: { i } });
      assert.deepEqual(store.audit.verify(), { ok: true, count: 3 });
      expectAbort(() => store.driver.exec(`UPDATE audit_log SET actor = 'mallory' WHERE id = 2`), /append-only/);
      expectAbort(() => store.driver.exec('DELETE FROM audit_log WHERE id = 3'), /append-only/);
      // Someone with file access drops the trigger and edits a row: the chain exposes it.
      store.driver.exec('DROP TRIGGER audit_log_no_update');
      store.driver.exec(`UPDATE audit_log SET details = '{"i":42}' WHERE id = 2`);
      const result = store.audit.verify();
      assert.equal(result.ok, false);
      assert.equal(result.count, 1);
      assert.equal(result.brokenAt, 2);
      assert.match(result.problems!.join('\n'), /row 2 was altered/);
    },
  ],
  [
    'audit log: deleting the newest row is detected (1 missing); deleting a middle row breaks the chain',
    (store) => {
      for (let i = 0; i < 3; i++) store.audit.append({ at: i, actor: 'test', action: 'act', outcome: 'failure', code: 'X', accountId: 7 });
      store.driver.exec('DROP TRIGGER audit_log_no_delete');
      store.driver.exec('DELETE FROM audit_log WHERE id = 3');
      assertAudit(store.audit.verify(), { count: 2, brokenAt: 3, missing: 1 }, /newest row \(3\) was deleted/);
      store.driver.exec('DELETE FROM audit_log WHERE id = 1');
      assertAudit(store.audit.verify(), { count: 1, brokenAt: 1, missing: 2 }, /row 1 is missing/);
      assert.equal(store.audit.list({ accountId: 7 }).length, 1);
    },
  ],
  [
    'audit log: deleting the newest three rows is detected (3 missing); the next append records it and resumes above the gap',
    (store) => {
      for (let i = 0; i < 5; i++) store.audit.append({ at: i, actor: 'test', action: 'act', outcome: 'success' });
      store.driver.exec('DROP TRIGGER audit_log_no_delete');
      store.driver.exec('DELETE FROM audit_log WHERE id > 2');
      assertAudit(store.audit.verify(), { count: 2, brokenAt: 3, missing: 3 }, /newest 3 rows \(3–5\) were deleted/);
      const next = store.audit.append({ at: 9, actor: 'test', action: 'after', outcome: 'success' });
      // Not chained onto row 2 as if nothing happened: a store row records the deletion, IDs resume above the checkpoint.
      assert.equal(next.id, 7);
      const [marker] = store.audit.list({ afterId: 5, limit: 1 });
      assert.equal(marker?.action, 'audit.tampered');
      assert.equal(marker?.code, 'AUDIT_TAMPERED');
      assert.equal(marker?.details.missing, 3);
      assert.equal(marker?.prevHash, store.audit.list({ afterId: 1, limit: 1 })[0]?.hash);
      assertAudit(store.audit.verify(), { count: 4, brokenAt: 3, missing: 3 }, /rows 3–5 are missing \(3\)/);
    },
  ],
  [
    'audit log: the checkpoint lives outside the database too: truncating and deleting the checkpoint while closed is reported on reopen; dropped triggers come back',
    (store, path, kind) => {
      for (let i = 0; i < 4; i++) store.audit.append({ at: i, actor: 'test', action: 'act', outcome: 'success' });
      store.close();
      assert.equal(statSync(auditKeyPath(path)).mode & 0o777, 0o600);
      assert.equal(JSON.parse(readFileSync(auditSidecarPath(path), 'utf8')).id, 4);
      // Someone with the database file (not the key) removes the newest row and the checkpoint naming it.
      const raw = kind === 'node:sqlite' ? openNodeSqlite(path) : openBetterSqlite(path);
      raw.exec('DROP TRIGGER audit_log_no_delete');
      raw.exec('DROP TRIGGER audit_log_no_update');
      raw.exec('DELETE FROM audit_log WHERE id = 4');
      raw.exec(`DELETE FROM meta WHERE key = 'audit.head'`);
      raw.close();
      const again = openStore({ path, driver: kind });
      try {
        expectAbort(() => again.driver.exec('DELETE FROM audit_log WHERE id = 1'), /append-only/);
        const result = again.audit.verify();
        assertAudit(result, { brokenAt: 4, missing: 1 }, /rows? 4.* missing/);
        assert.match(result.problems!.join('\n'), /triggers had been dropped/);
        // A forged checkpoint (no key) is reported as such.
        again.driver.exec(`UPDATE meta SET value = '{"id":1,"hash":"${'0'.repeat(64)}","mac":"${'0'.repeat(64)}"}' WHERE key = 'audit.head'`);
        assert.match(again.audit.verify().problems!.join('\n'), /does not verify under the audit key/);
      } finally {
        again.close();
      }
    },
  ],
  [
    'outbox and meta',
    (store) => {
      store.outbox.insert({ to: 'a@example.test', subject: 's', text: 't', transport: 'outbox', createdAt: 1 });
      store.outbox.insert({ to: 'b@example.test', subject: 's2', text: 't2', transport: 'outbox', createdAt: 2 });
      assert.equal(store.outbox.list({ to: 'b@example.test' })[0]?.subject, 's2');
      assert.equal(store.outbox.list().length, 2);
      assert.equal(store.meta.getOrInit('k', 'v1'), 'v1');
      assert.equal(store.meta.getOrInit('k', 'v2'), 'v1');
    },
  ],
  [
    'a write lock held past busy_timeout surfaces as STORE_BUSY, never a raw SQLite error',
    (store, path, kind) => {
      seedAccount(store);
      const other = openStore({ path, driver: kind });
      try {
        // The tampering: a second connection keeps the write lock; ours waits 0 ms instead of 5 s.
        other.driver.exec('BEGIN IMMEDIATE');
        other.driver.prepare("INSERT INTO meta (key, value) VALUES ('held', '1')").run();
        store.driver.pragma('busy_timeout = 0');
        expectCode(() => store.transaction(() => seedAccount(store, 'bob')), 'STORE_BUSY');
        expectCode(() => seedAccount(store, 'carol'), 'STORE_BUSY');
        expectCode(() => store.driver.exec("INSERT INTO meta (key, value) VALUES ('x', '1')"), 'STORE_BUSY');
        // WAL readers are not blocked by the writer, and the failed transaction left no state behind.
        assert.equal(store.accounts.byLoginId('alice')?.displayName, 'Alice');
        other.driver.exec('COMMIT');
        store.transaction(() => seedAccount(store, 'bob'));
        assert.equal(store.accounts.byLoginId('bob')?.loginId, 'bob');
      } finally {
        other.close();
      }
    },
  ],
];

export const CONTRACT_CASE_NAMES = CASES.map(([name]) => name);

/** Runs every case on a fresh file database opened with `kind`; never throws, reports per case. */
export function runStoreContract(kind: DriverKind): ContractResult[] {
  const results: ContractResult[] = [];
  for (const [name, run] of CASES) {
    const dir = mkdtempSync(join(tmpdir(), 'pkh-store-'));
    const path = join(dir, 'contract.sqlite');
    let store: Store | undefined;
    try {
      store = openStore({ path, driver: kind });
      assert.equal(store.driver.kind, kind);
      run(store, path, kind);
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
    } finally {
      try {
        store?.close();
      } catch {
        // already closed by the case
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
