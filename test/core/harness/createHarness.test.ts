import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function fresh() {
  harness = await createHarness({ seed: 'harness-test', clock: new ManualClock() });
  return harness;
}

describe('createHarness (in-process, memory database)', () => {
  it('enrols through the email branch step by step and logs in both ways', async () => {
    const h = await fresh();
    await h['users.create']({ username: 'alice', emails: ['alice@example.test'] });
    await h['phones.create']({ name: 'alice-iphone' });
    const enrolled = await h.enroll({ username: 'alice', phone: 'alice-iphone' });
    expect(enrolled.steps.map((s) => s.step)).toEqual(['STEP1', 'STEP2', 'STEP3', 'STEP4', 'STEP5', 'STEP6', '完了']);
    expect(enrolled.steps[0]!.detail).toContain('未登録');
    const mail = await h['mailbox.list']({ to: 'alice@example.test' });
    expect(mail.some((m) => /\b\d{6}\b/.test(m.text))).toBe(true);
    const byName = await h.login({ username: 'alice', phone: 'alice-iphone' });
    expect(byName).toMatchObject({ username: 'alice', mode: 'username-first', credentialId: enrolled.passkey.credentialId });
    const usernameless = await h.login({ phone: 'alice-iphone', mode: 'discoverable' });
    expect(usernameless.username).toBe('alice');
    const shown = await h['users.show']({ username: 'alice' });
    expect(shown.registrationInfo.find((r) => r.key === 'passkey')).toMatchObject({ label: 'パスキー', status: '登録済' });
    expect((await h['phones.show']({ name: 'alice-iphone' })).credentials).toHaveLength(1);
  });

  it('otp.enroll then the TOTP branch skips STEP3 and sends no registration email', async () => {
    const h = await fresh();
    await h['users.create']({ username: 'bob' });
    const otp = await h['otp.enroll']({ username: 'bob' });
    expect(otp.uri).toMatch(/^otpauth:\/\/totp\//);
    const codeMails = async () => (await h['mailbox.list']({})).filter((m) => /\b\d{6}\b/.test(m.text)).length;
    const before = await codeMails();
    await h['phones.create']({ name: 'bob-pixel', profile: 'android-gpm' });
    const enrolled = await h.enroll({ username: 'bob', phone: 'bob-pixel', stepUp: 'totp' });
    expect(enrolled.steps.find((s) => s.step === 'STEP3')).toMatchObject({ skipped: true });
    expect(await codeMails()).toBe(before);
    expect((await h['users.show']({ username: 'bob' })).otpEnrolled).toBe(true);
    // Support staff read the authenticator's name, not only its AAGUID.
    expect(await h['admin.passkeys']({ username: 'bob' })).toMatchObject([{ aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', authenticatorName: 'Google Password Manager' }]);
  });

  it('is reproducible: same seed and clock give the same credential ID', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const h = await createHarness({ seed: 'replay', clock: new ManualClock() });
      await h['users.create']({ username: 'rita' });
      await h['phones.create']({ name: 'p' });
      ids.push((await h.enroll({ username: 'rita', phone: 'p' })).passkey.credentialId);
      await h.close();
    }
    expect(ids[0]).toBe(ids[1]);
  });

  it('local authentication denied surfaces NOT_ALLOWED and registers nothing', async () => {
    const h = await fresh();
    await h['users.create']({ username: 'carol' });
    await h['phones.create']({ name: 'p' });
    await expect(h.enroll({ username: 'carol', phone: 'p', decision: 'deny' })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    expect(await h['admin.passkeys']({ username: 'carol' })).toEqual([]);
  });

  it('admin revoke / reset / audit / verifyAudit', async () => {
    const h = await fresh();
    await h['users.create']({ username: 'dave' });
    await h['phones.create']({ name: 'd1' });
    await h['phones.create']({ name: 'd2', profile: 'yubikey-5' });
    const first = await h.enroll({ username: 'dave', phone: 'd1' });
    await h.enroll({ username: 'dave', phone: 'd2' });
    await h['admin.revoke']({ credentialId: first.passkey.credentialId, reason: 'lost', ticket: 'T-1' });
    const inspected = await h['admin.inspect']({ credentialId: first.passkey.credentialId });
    expect(inspected.revokedAt).not.toBeNull();
    expect(await h['admin.reset']({ username: 'dave', reason: 'takeover', ticket: 'T-2' })).toEqual({ username: 'dave', revoked: 1 });
    const actions = (await h['admin.audit']({ username: 'dave' })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['admin.revokePasskey', 'admin.resetPasskeys']));
    expect(await h['admin.verifyAudit']({})).toMatchObject({ ok: true, firstBrokenSeq: null });
    await expect(h.login({ phone: 'd2', mode: 'discoverable' })).rejects.toMatchObject({ code: 'PASSKEY_REVOKED' });
  });

  it('phones.createCredential / getAssertion drive a phone from raw WebAuthn options (console frames)', async () => {
    const h = await fresh();
    await h['phones.create']({ name: 'frame' });
    const options = {
      rp: { id: 'localhost', name: 'x' },
      user: { id: 'dXNlcg', name: 'u', displayName: 'u' },
      challenge: 'Y2hhbGxlbmdlLWNoYWxsZW5nZQ',
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    };
    const created = await h['phones.createCredential']({ phone: 'frame', options, origin: 'http://localhost:8787' });
    expect(created).toMatchObject({ type: 'public-key', response: expect.objectContaining({ attestationObject: expect.any(String) }) });
    const asserted = await h['phones.getAssertion']({ phone: 'frame', options: { challenge: 'YW5vdGhlci1jaGFsbGVuZ2U', rpId: 'localhost' }, origin: 'http://localhost:8787' });
    expect(asserted).toMatchObject({ id: created.id });
    await expect(h['phones.getAssertion']({ phone: 'frame', options: { challenge: 'YW5vdGhlci1jaGFsbGVuZ2U', rpId: 'localhost' }, origin: 'http://localhost:8787', decision: 'timeout' })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
  });

  it('phones export / import / rename / delete; bad imports are VAULT_IMPORT_INVALID', async () => {
    const h = await fresh();
    await h['phones.create']({ name: 'a' });
    const data = await h['phones.export']({ name: 'a' });
    await h['phones.import']({ data, name: 'b' });
    await h['phones.rename']({ name: 'b', newName: 'c' });
    await h['phones.delete']({ name: 'a' });
    expect((await h['phones.list']({})).map((p) => p.name)).toEqual(['c']);
    await expect(h['phones.import']({ data: { format: 'nope' } })).rejects.toMatchObject({ code: 'VAULT_IMPORT_INVALID' });
    await expect(h['phones.create']({ name: 'c' })).rejects.toMatchObject({ code: 'PHONE_EXISTS' });
  });

  it('memory phones read an import as the vault does (a profile without label is refused) and refuse control characters in new names', async () => {
    const h = await fresh();
    await h['phones.create']({ name: 'a' });
    const data = await h['phones.export']({ name: 'a' });
    const { label: _label, ...incomplete } = data.profile as unknown as Record<string, unknown>;
    await expect(h['phones.import']({ data: { ...data, profile: incomplete }, name: 'b' })).rejects.toMatchObject({ code: 'VAULT_IMPORT_INVALID', message: expect.stringMatching(/profile\.label: missing/) });
    await expect(h['phones.create']({ name: 'e\u001b[2J' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(h['phones.rename']({ name: 'a', newName: 'two\nlines' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await h['phones.list']({})).map((p) => p.name)).toEqual(['a']);
  });

  it('runs and validates scenarios sent as text', async () => {
    const h = await fresh();
    const text = 'name: t\nsteps:\n  - do: createUser\n    user: a\n  - do: createPhone\n    phone: p\n  - do: enroll\n    user: a\n    phone: p\n    expect: { passkeys: { count: 1 } }\n';
    expect(await h['scenarios.validate']({ sources: [{ name: 't.yaml', text }, { name: 'bad.yaml', text: 'name: x\n' }] })).toMatchObject([{ ok: true }, { ok: false }]);
    const report = await h['scenarios.run']({ sources: [{ name: 't.yaml', text }], seed: 's', repeat: 2 });
    expect(report).toMatchObject({ total: 2, passed: 2, failed: 0, seed: 's' });
  });

  it('users.lock blocks password login until unlocked; both go through core/rp and are audited as the actor', async () => {
    const h = await fresh();
    await h['users.create']({ username: 'erin' });
    await h['phones.create']({ name: 'p' });
    expect((await h['users.lock']({ username: 'erin', reason: 'suspected takeover', ticket: 'SUP-7' })).locked).toBe(true);
    await expect(h.enroll({ username: 'erin', phone: 'p' })).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect((await h['users.unlock']({ username: 'erin', reason: 'verified' })).locked).toBe(false);
    await expect(h.enroll({ username: 'erin', phone: 'p' })).resolves.toMatchObject({ username: 'erin' });
    const rows = (await h['admin.audit']({ username: 'erin' })).filter((e) => e.action.startsWith('admin.'));
    expect(rows.map((e) => [e.actor, e.action, e.details.reason])).toEqual([
      ['admin:harness-operator', 'admin.lockAccount', 'suspected takeover'],
      ['admin:harness-operator', 'admin.unlockAccount', 'verified'],
    ]);
  });

  it('admin.audit reads past rp\'s 1000-row page: every row, oldest first, and limit keeps the newest', async () => {
    const h = await fresh();
    await h['users.create']({ username: 'erin' });
    for (let i = 0; i < 550; i++) {
      await h['users.lock']({ username: 'erin', reason: `drill ${i}` });
      await h['users.unlock']({ username: 'erin', reason: `drill ${i}` });
    }
    const all = await h['admin.audit']({});
    expect(all.length).toBeGreaterThan(1100);
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
    const newest = await h['admin.audit']({ limit: 3 });
    expect(newest.map((e) => e.seq)).toEqual(all.slice(-3).map((e) => e.seq));
    expect(newest.at(-1)).toMatchObject({ action: 'admin.unlockAccount', details: { reason: 'drill 549' } });
    const mine = await h['admin.audit']({ username: 'erin', limit: 2 });
    expect(mine.map((e) => e.details.reason)).toEqual(['drill 549', 'drill 549']);
  });

  it('users.lock without a reason is refused before anything changes', async () => {
    const h = await fresh();
    await h['users.create']({ username: 'erin' });
    await expect(h['users.lock']({ username: 'erin' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await h['users.show']({ username: 'erin' })).locked).toBe(false);
  });

  it('acts as the given actor (provisioned once) and a viewer actor may only inspect', async () => {
    harness = await createHarness({ seed: 'harness-test', clock: new ManualClock(), actor: { name: 'cli:carol', role: 'viewer' } });
    const h = harness;
    expect((await h['harness.info']({})).caller).toEqual({ name: 'cli:carol', role: 'viewer' });
    expect(await h['users.list']({})).toEqual([]);
    await expect(h['users.create']({ username: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const operator = h.as({ name: 'cli:dave', role: 'operator' });
    await operator['users.create']({ username: 'x' });
    await expect(h['users.lock']({ username: 'x', reason: 'r' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await operator['users.lock']({ username: 'x', reason: 'r' });
    const rows = await h['admin.audit']({});
    expect(rows.filter((e) => e.action === 'admin.create').map((e) => e.details.name)).toEqual(expect.arrayContaining(['cli:carol', 'cli:dave']));
    expect(rows.filter((e) => e.action === 'admin.lockAccount').map((e) => [e.actor, e.outcome])).toEqual([
      ['admin:cli:carol', 'failure'],
      ['admin:cli:dave', 'success'],
    ]);
    expect(() => h.as({ name: 'cli:dave', role: 'viewer' })).toThrow(/exists with role operator/);
  });

  it('issues bearer tokens stored only as hashes and authenticates them to their admin', async () => {
    const h = await fresh();
    const token = h.issueToken({ name: 'ops', role: 'operator' });
    expect(h.authenticate(token)).toEqual({ name: 'ops', role: 'operator' });
    expect(h.authenticate(`${token}x`)).toBeUndefined();
    expect(h.authenticate('')).toBeUndefined();
    expect(h.rp).toBeDefined();
  });
});
