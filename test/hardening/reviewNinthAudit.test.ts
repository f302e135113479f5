import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../../core/harness/createHarness.js';
import { HarnessError } from '../../core/errors.js';
import { serveHarness } from '../core/http/harnessServer.js';
import { Agent, isTypedClientError } from './support.js';

/**
 * Review 9, feature 2: one passkey's audit history (`admin.auditSearch` with credentialId / passkeyId)
 * as a curious viewer and a hostile customer use it: the real harness behind the real HTTP server.
 * A passkey's history holds its own account's rows that the RP wrote about it; nothing a customer
 * types (another account's credential ID in a failed delete, a passkey name, a login ID) puts a row
 * into another passkey's history, and a malformed ID is a stable 400, never a match-all.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The harness's passkey summary names the credential; the RP's row ID is the passkeyId a search takes. */
async function withId<T extends { credentialId: string; username: string }>(harness: Harness, p: T): Promise<T & { passkeyId: number }> {
  const { entries } = await harness['admin.auditSearch']({ username: p.username, action: 'registration.finish', offset: 0, limit: 500 });
  const row = entries.find((e) => e.outcome === 'success' && e.details.credentialId === p.credentialId);
  if (typeof row?.details.passkeyId !== 'number') throw new Error('enrolled passkey not audited');
  return { ...p, passkeyId: row.details.passkeyId };
}

async function serve() {
  const { harness, operatorToken, viewerToken, as } = await serveHarness({ seed: 'review9-audit', cleanups });
  for (const username of ['alice', 'bob']) {
    await harness['users.create']({ username });
    await harness['phones.create']({ name: `${username}-phone` });
  }
  const alice = await withId(harness, (await harness.enroll({ username: 'alice', phone: 'alice-phone' })).passkey);
  const bob = await withId(harness, (await harness.enroll({ username: 'bob', phone: 'bob-phone' })).passkey);
  return { harness, viewer: as(viewerToken), operator: as(operatorToken), anonymous: as(), alice, bob };
}

type Entry = { seq: number; action: string; outcome: string; targetLogin?: string | null; details: Record<string, unknown> };
const history = async (agent: Agent, query: Record<string, unknown>) => {
  const reply = await agent.post('/api/harness/admin.auditSearch', query);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.value as { entries: Entry[]; total: number };
};
const seqs = (page: { entries: Entry[] }) => page.entries.map((e) => e.seq);

function expectRefused(reply: { status: number; body: any }, status: number, code: string): void {
  expect([reply.status, reply.body.error?.code], JSON.stringify(reply.body)).toEqual([status, code]);
  expect(isTypedClientError(reply.status, reply.body.error)).toBe(true);
  expect(JSON.stringify(reply.body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|SQLITE|sqlite/i);
}

describe('admin.auditSearch by passkey over HTTP', () => {
  it('lets a viewer read one passkey’s history (only its account’s rows), refuses no token, and writes no audit row', async () => {
    const { viewer, anonymous, alice } = await serve();
    const page = await history(viewer, { credentialId: alice.credentialId });
    expect(page.entries.map((e) => e.action)).toContain('registration.finish');
    expect(page.entries.every((e) => e.targetLogin === 'alice')).toBe(true);
    expect(page.total).toBe(page.entries.length);
    const everything = (await history(viewer, {})).total;
    await history(viewer, { credentialId: alice.credentialId });
    expect((await history(viewer, {})).total).toBe(everything);
    expectRefused(await anonymous.post('/api/harness/admin.auditSearch', { credentialId: alice.credentialId }), 401, 'AUTH_REQUIRED');
  });

  it('answers malformed credential IDs (padding, standard alphabet, non-canonical bits, LIKE and JSON-path metacharacters, SQL) with 400 INVALID_INPUT, never a match', async () => {
    const { viewer, alice } = await serve();
    const malformed: unknown[] = ['', `${alice.credentialId}=`, `${alice.credentialId}==`, 'abc+/def', 'AB', 'AAB', '%', '%%', '_%', '\\%', '$.credentialId', '$[0]', "' OR 1=1 --", `${alice.credentialId}\n`, `${alice.credentialId}%`, ` ${alice.credentialId}`, 42, null, [alice.credentialId], { $ne: null }];
    for (const credentialId of malformed) {
      expectRefused(await viewer.post('/api/harness/admin.auditSearch', { credentialId }), 400, 'INVALID_INPUT');
    }
    for (const passkeyId of [0, -1, 1.5, '1', null, [1], 2 ** 53]) {
      expectRefused(await viewer.post('/api/harness/admin.auditSearch', { passkeyId }), 400, 'INVALID_INPUT');
    }
    // Canonical base64url that names no passkey ('_' is a LIKE wildcard and a base64url character): not found, not everything.
    for (const credentialId of ['____', '----', 'AAAA', alice.credentialId.slice(0, -4)]) {
      expectRefused(await viewer.post('/api/harness/admin.auditSearch', { credentialId }), 404, 'PASSKEY_NOT_FOUND');
    }
  });

  it('refuses a passkey of another account named with username, or a passkeyId that is not the credential’s', async () => {
    const { viewer, alice, bob } = await serve();
    expectRefused(await viewer.post('/api/harness/admin.auditSearch', { credentialId: alice.credentialId, username: 'bob' }), 400, 'INVALID_INPUT');
    expectRefused(await viewer.post('/api/harness/admin.auditSearch', { credentialId: alice.credentialId, passkeyId: bob.passkeyId }), 400, 'INVALID_INPUT');
    expect(seqs(await history(viewer, { credentialId: alice.credentialId, username: 'alice' }))).toEqual(seqs(await history(viewer, { passkeyId: alice.passkeyId })));
  });

  it('keeps a customer’s own typing out of another passkey’s history (failed delete of it, a passkey named after it, a login ID)', async () => {
    const { harness, viewer, alice, bob } = await serve();
    const before = seqs(await history(viewer, { credentialId: alice.credentialId }));
    const bobBefore = seqs(await history(viewer, { credentialId: bob.credentialId }));
    const rp = harness.rp;
    const { sessionId } = rp.login({ loginId: 'bob', password: 'password' });
    // Bob names Alice's passkey in his own requests: each is audited in his account, with her credential ID in the details.
    for (const credentialId of [alice.credentialId, `${alice.credentialId}`.repeat(2)]) {
      await expect(async () => rp.deletePasskey({ sessionId, credentialId })).rejects.toBeInstanceOf(HarnessError);
    }
    await harness['phones.create']({ name: 'bob-second' });
    await harness.enroll({ username: 'bob', phone: 'bob-second', passkeyName: alice.credentialId.slice(0, 64) });
    await harness['users.create']({ username: alice.credentialId.slice(0, 64) });
    const bobFailures = (await history(viewer, { username: 'bob', action: 'passkey.delete' })).entries;
    expect(bobFailures.map((e) => [e.outcome, e.details.credentialId])).toContainEqual(['failure', alice.credentialId]);
    expect(seqs(await history(viewer, { credentialId: alice.credentialId }))).toEqual(before);
    expect(seqs(await history(viewer, { passkeyId: alice.passkeyId }))).toEqual(before);
    // Bob's first passkey gained nothing from his second enrolment either.
    expect(seqs(await history(viewer, { credentialId: bob.credentialId }))).toEqual(bobBefore);
  });

  it('attributes a reset only to the passkeys it revoked: not to one an earlier revoke named with the same reason and ticket', async () => {
    const { harness, viewer, operator, alice } = await serve();
    await harness['phones.create']({ name: 'alice-second' });
    const second = (await harness.enroll({ username: 'alice', phone: 'alice-second' })).passkey;
    expect((await operator.post('/api/harness/admin.revoke', { credentialId: alice.credentialId, reason: 'lost phone', ticket: 'SUP-9' })).status).toBe(200);
    expect((await operator.post('/api/harness/admin.reset', { username: 'alice', reason: 'lost phone', ticket: 'SUP-9' })).status).toBe(200);
    expect((await operator.post('/api/harness/admin.reset', { username: 'alice', reason: 'lost phone', ticket: 'SUP-9' })).status).toBe(200);
    const first = (await history(viewer, { credentialId: alice.credentialId })).entries.map((e) => `${e.action}:${e.outcome}`);
    expect(first.filter((a) => a.startsWith('admin.'))).toEqual(['admin.revokePasskey:success']);
    const resets = (await history(viewer, { username: 'alice', action: 'admin.resetPasskeys' })).entries.map((e) => e.seq);
    expect(resets).toHaveLength(2);
    const secondHistory = (await history(viewer, { credentialId: second.credentialId })).entries;
    // The first reset revoked it; the second (same reason and ticket, nothing left to revoke) did not.
    expect(secondHistory.filter((e) => e.action === 'admin.resetPasskeys').map((e) => e.seq)).toEqual([Math.min(...resets)]);
  });
});
