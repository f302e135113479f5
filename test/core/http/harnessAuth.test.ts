import { afterEach, describe, expect, it } from 'vitest';
import { serveHarness } from './harnessServer.js';
import { Agent } from './support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The real harness behind the real HTTP server, as `pkh serve` mounts it, with one token per role. */
async function serve() {
  const { harness, url, operatorToken, viewerToken, as } = await serveHarness({ seed: 'http-auth', cleanups });
  await harness['users.create']({ username: 'alice' });
  await harness['phones.create']({ name: 'p' });
  const { passkey } = await harness.enroll({ username: 'alice', phone: 'p' });
  return { harness, url, operatorToken, viewerToken, as, credentialId: passkey.credentialId };
}

describe('POST /api/harness/:channel identity', () => {
  it('answers 401 AUTH_REQUIRED without a token and with a made-up one', async () => {
    const { as } = await serve();
    for (const agent of [as(), as('not-a-token')]) {
      const res = await agent.post('/api/harness/users.list', {});
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_REQUIRED');
    }
  });

  it('takes the Bearer scheme in any case (RFC 7235 §2.1), and no other scheme', async () => {
    const { url, operatorToken } = await serve();
    const withHeader = (authorization: string) => new Agent(url, { headers: { authorization } }).post('/api/harness/users.list', {});
    for (const scheme of ['bearer', 'BEARER', 'Bearer ']) expect((await withHeader(`${scheme} ${operatorToken}`)).status).toBe(200);
    for (const wrong of [`Basic ${operatorToken}`, `Bearer${operatorToken}`, operatorToken, `Bearer ${operatorToken} x`]) {
      const res = await withHeader(wrong);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_REQUIRED');
    }
  });

  it('lets a viewer inspect but refuses admin.revoke with 403 FORBIDDEN (audited, passkey untouched)', async () => {
    const { as, viewerToken, credentialId, harness } = await serve();
    const viewer = as(viewerToken);
    const info = await viewer.post('/api/harness/harness.info', {});
    expect(info.body.value.caller).toEqual({ name: 'cli:tester:viewer', role: 'viewer' });
    expect((await viewer.post('/api/harness/admin.passkeys', { username: 'alice' })).body.value).toHaveLength(1);
    const revoke = await viewer.post('/api/harness/admin.revoke', { credentialId, reason: 'lost phone', ticket: 'SUP-1' });
    expect(revoke.status).toBe(403);
    expect(revoke.body.error.code).toBe('FORBIDDEN');
    const create = await viewer.post('/api/harness/users.create', { username: 'mallory' });
    expect(create.status).toBe(403);
    expect((await harness['admin.passkeys']({ username: 'alice' }))[0]!.revokedAt).toBeNull();
    const refused = (await harness['admin.audit']({})).filter((e) => e.details.code === 'FORBIDDEN').map((e) => [e.actor, e.action]);
    expect(refused).toEqual([
      ['admin:cli:tester:viewer', 'admin.revokePasskey'],
      ['admin:cli:tester:viewer', 'harness.users.create'],
    ]);
  });

  it('lets a viewer search, list, inspect and read the audit log, and refuses admin.reset with 403 FORBIDDEN (error shape: code and message only)', async () => {
    const { as, viewerToken, credentialId, harness } = await serve();
    const viewer = as(viewerToken);
    const found = await viewer.post('/api/harness/users.list', { query: 'ali' });
    expect(found.status).toBe(200);
    expect(found.body.value.map((u: { username: string }) => u.username)).toEqual(['alice']);
    const inspected = await viewer.post('/api/harness/admin.inspect', { credentialId });
    expect(inspected.status).toBe(200);
    expect(inspected.body.value).toMatchObject({ credentialId, username: 'alice', revokedAt: null, fmt: expect.any(String), publicKeyCose: expect.any(String) });
    const refused = await viewer.post('/api/harness/admin.reset', { username: 'alice', reason: 'lost phone', ticket: 'T-1' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ ok: false, code: 'FORBIDDEN', error: { code: 'FORBIDDEN', message: expect.any(String) } });
    expect(Object.keys(refused.body.error).sort()).toEqual(['code', 'message']);
    expect(JSON.stringify(refused.body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
    expect((await harness['admin.passkeys']({ username: 'alice' }))[0]!.revokedAt).toBeNull();
    const audit = await viewer.post('/api/harness/admin.audit', {});
    expect(audit.status).toBe(200);
    const refusals = audit.body.value.filter((e: { outcome: string }) => e.outcome === 'failure').map((e: { actor: string; action: string }) => [e.actor, e.action]);
    expect(refusals).toEqual([['admin:cli:tester:viewer', 'admin.resetPasskeys']]);
    expect((await viewer.post('/api/harness/admin.verifyAudit', {})).body.value).toMatchObject({ ok: true, firstBrokenSeq: null });
  });

  it('lets the operator token reset every passkey of a customer', async () => {
    const { as, operatorToken, harness } = await serve();
    const reset = await as(operatorToken).post('/api/harness/admin.reset', { username: 'alice', reason: 'lost phone', ticket: 'T-1' });
    expect(reset.status).toBe(200);
    expect(reset.body.value).toEqual({ username: 'alice', revoked: 1 });
    expect((await harness['admin.passkeys']({ username: 'alice' }))[0]!.revokedAt).not.toBeNull();
  });

  it('refuses a malformed channel input with 400 INVALID_INPUT and an unknown credential with 404 PASSKEY_NOT_FOUND', async () => {
    const { as, viewerToken } = await serve();
    const viewer = as(viewerToken);
    const malformed = await viewer.post('/api/harness/admin.inspect', { credentialId: 42 });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: 'credentialId' }] } });
    const unknown = await viewer.post('/api/harness/admin.inspect', { credentialId: 'bm8tc3VjaC1jcmVkZW50aWFs' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('PASSKEY_NOT_FOUND');
  });

  it('runs admin.revoke for the operator token and the audit row names that admin', async () => {
    const { as, operatorToken, credentialId, harness } = await serve();
    const res = await as(operatorToken).post('/api/harness/admin.revoke', { credentialId, reason: 'lost phone', ticket: 'SUP-2' });
    expect(res.status).toBe(200);
    expect(res.body.value.credentialId).toBe(credentialId);
    const row = (await harness['admin.audit']({ username: 'alice' })).find((e) => e.action === 'admin.revokePasskey')!;
    expect(row).toMatchObject({ actor: 'admin:cli:tester', outcome: 'success', details: { reason: 'lost phone', ticket: 'SUP-2' } });
  });

  it('ignores no actor from the payload: a claimed actor is invalid input', async () => {
    const { as, operatorToken, credentialId } = await serve();
    const res = await as(operatorToken).post('/api/harness/admin.revoke', { credentialId, reason: 'r', ticket: 'T', actor: 'someone-else' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
  });

  it('rotates: a newly issued operator token replaces the old one', async () => {
    const { as, operatorToken, harness } = await serve();
    const next = harness.issueToken({ name: 'cli:tester', role: 'operator' });
    expect((await as(operatorToken).post('/api/harness/users.list', {})).status).toBe(401);
    expect((await as(next).post('/api/harness/users.list', {})).status).toBe(200);
  });
});
