// @peculiar/x509 (attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { CHANNEL_NAMES, VIEWER_CHANNELS, type ChannelName } from '../../../core/harness/channels.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';
import type { AuditEntry } from '../../../core/harness/types.js';

/**
 * "Every admin action is audited (who, what, why, when)": each harness channel that changes state
 * or shows a secret leaves a row naming the calling admin, as `harness.<channel>` unless core/rp
 * audits the operation itself; read-only channels leave none.
 */
const ADMIN = 'cli:alice';
const ACTOR = `admin:${ADMIN}`;
const origin = 'http://localhost:8787';
const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

/** Channels whose success this file asserts a `harness.<channel>` row for. */
const HARNESS_AUDITED: ChannelName[] = [
  'enroll',
  'login',
  'otp.enroll',
  'phones.create',
  'phones.rename',
  'phones.delete',
  'phones.export',
  'phones.exportCredential',
  'phones.import',
  'phones.removeCredential',
  'phones.createCredential',
  'phones.getAssertion',
  'mds.status',
  'mds.serve',
];
/** core/rp audits these itself, as the caller (account.create, admin.lockAccount, …). */
const RP_AUDITED: ChannelName[] = ['users.create', 'users.lock', 'users.unlock', 'users.endSessions', 'admin.revoke', 'admin.reset'];
/** Audited by core/rp as the phone (phone.signal.*, the admin in details.by); scenario runs use their own memory worlds, not the server database. */
const NOT_HARNESS_AUDITED: ChannelName[] = ['phones.signal', 'scenarios.run', 'scenarios.start', 'scenarios.progress'];

let h: Harness;

beforeEach(async () => {
  h = await createHarness({ seed: 'admin-actions-audit', clock: new ManualClock(), actor: { name: ADMIN, role: 'operator' } });
  await h['users.create']({ username: 'hanako', emails: ['hanako@example.jp'] });
  await h['phones.create']({ name: 'iphone', profile: 'iphone-icloud' });
});
afterEach(() => h.close());

const everything = async (): Promise<AuditEntry[]> => h['admin.audit']({});
const rowsOf = async (action: string): Promise<AuditEntry[]> => (await everything()).filter((e) => e.action === action);

/** The one row `action` wrote, by the calling admin, successfully. */
async function onlyRow(action: string): Promise<AuditEntry> {
  const rows = await rowsOf(action);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ actor: ACTOR, outcome: 'success' });
  return rows[0]!;
}

/** Enrols hanako's passkey on the iphone and returns its credential ID. */
async function enrolled(): Promise<string> {
  return (await h.enroll({ username: 'hanako', phone: 'iphone' })).passkey.credentialId;
}

describe('every channel is classified', () => {
  it('each non-viewer channel is audited by the harness, by core/rp, or deliberately not', () => {
    const operatorChannels = CHANNEL_NAMES.filter((c) => !VIEWER_CHANNELS.has(c)).sort();
    const classified = [...HARNESS_AUDITED, ...RP_AUDITED, ...NOT_HARNESS_AUDITED].filter((c) => !VIEWER_CHANNELS.has(c)).sort();
    expect(classified).toEqual(operatorChannels);
  });
});

describe('customer accounts', () => {
  it('users.create is audited as account.create by the admin, without the password', async () => {
    const row = await onlyRow('account.create');
    expect(row).toMatchObject({ targetLogin: 'hanako', details: { loginId: 'hanako' } });
    expect(JSON.stringify(row)).not.toContain('password');
  });

  it('an account created without an admin stays system; an unknown admin creates nothing', async () => {
    await h.rp.createAccount({ loginId: 'seeded', password: 'pw', tradingPassword: 'pw2', displayName: 'S', emails: ['s@example.test'] });
    expect((await rowsOf('account.create')).find((e) => e.targetLogin === 'seeded')).toMatchObject({ actor: 'system' });
    expect(() => h.rp.createAccount({ admin: 'nobody', loginId: 'ghost', password: 'pw', tradingPassword: 'pw2', displayName: 'G', emails: ['g@example.test'] })).toThrow(
      expect.objectContaining({ code: 'ADMIN_NOT_FOUND' }),
    );
    expect(await h['users.list']({ query: 'ghost' })).toEqual([]);
  });
});

describe('customer journeys the harness plays', () => {
  it('enroll names the admin, the customer and the phone beside the customer rows', async () => {
    const credentialId = await enrolled();
    const row = await onlyRow('harness.enroll');
    expect(row).toMatchObject({ targetLogin: 'hanako', details: { phone: 'iphone', credentialId, stepUp: 'email' } });
    // What the RP saw stays the customer's.
    expect((await everything()).some((e) => e.actor === 'customer:hanako')).toBe(true);
  });

  it('login names the admin, the customer and the phone', async () => {
    const credentialId = await enrolled();
    await h.login({ phone: 'iphone', mode: 'discoverable' });
    const row = await onlyRow('harness.login');
    expect(row).toMatchObject({ targetLogin: 'hanako', details: { phone: 'iphone', credentialId, mode: 'discoverable' } });
  });

  it('a failed journey throws as before and writes no harness row', async () => {
    await expect(h.login({ username: 'hanako', phone: 'iphone' })).rejects.toBeDefined();
    expect(await rowsOf('harness.login')).toEqual([]);
  });

  it('otp.enroll names the admin and the customer, never the TOTP secret or URI', async () => {
    const { secret, uri } = await h['otp.enroll']({ username: 'hanako' });
    const row = await onlyRow('harness.otp.enroll');
    expect(row).toMatchObject({ targetLogin: 'hanako', details: { secretShown: true } });
    const all = JSON.stringify(await everything());
    expect(all).not.toContain(secret);
    expect(all).not.toContain(uri);
  });
});

describe('the mailbox', () => {
  it('reading the mailbox is a read, not an action (operators see codes, issue 11 item 7): no row, and no code in any row', async () => {
    await h['otp.enroll']({ username: 'hanako' });
    const viewer = h.as({ name: 'support', role: 'viewer' });
    await viewer['mailbox.list']({});
    const before = (await everything()).length;
    const [mail] = await h['mailbox.list']({ to: 'hanako@example.jp' });
    const code = /(?<!\d)\d{6}(?!\d)/.exec(mail!.text)![0];
    await h['mailbox.show']({ id: mail!.id });
    await viewer['mailbox.list']({});
    const after = await everything();
    expect(after.length).toBe(before);
    expect(JSON.stringify(after)).not.toContain(code);
  });
});

describe('phones', () => {
  it('phones.create, rename and delete are audited with the phone name', async () => {
    expect(await onlyRow('harness.phones.create')).toMatchObject({ target: null, details: { phone: 'iphone', profile: 'iphone-icloud' } });
    await h['phones.rename']({ name: 'iphone', newName: 'old-iphone' });
    expect(await onlyRow('harness.phones.rename')).toMatchObject({ details: { phone: 'old-iphone', from: 'iphone' } });
    await h['phones.delete']({ name: 'old-iphone' });
    expect(await onlyRow('harness.phones.delete')).toMatchObject({ details: { phone: 'old-iphone', credentialIds: [] } });
  });

  it('deleting a phone that holds a customer’s passkey names the customer', async () => {
    const credentialId = await enrolled();
    await h['phones.delete']({ name: 'iphone' });
    expect(await onlyRow('harness.phones.delete')).toMatchObject({ targetLogin: 'hanako', details: { phone: 'iphone', credentialIds: [credentialId] } });
  });

  it('phones.export is audited with the customer and credential IDs, never the private keys', async () => {
    const credentialId = await enrolled();
    const data = await h['phones.export']({ name: 'iphone' });
    const [exported] = data.credentials as { credentialId: string; privateKey: string }[];
    expect(exported!.privateKey.length).toBeGreaterThan(20);
    expect(await onlyRow('harness.phones.export')).toMatchObject({ targetLogin: 'hanako', details: { phone: 'iphone', credentialIds: [credentialId] } });
    expect(JSON.stringify(await everything())).not.toContain(exported!.privateKey);
  });

  it('phones.exportCredential is audited with the customer and the credential ID, never the private key', async () => {
    const credentialId = await enrolled();
    const data = await h['phones.exportCredential']({ name: 'iphone', credentialId });
    const [exported] = data.credentials as { privateKey: string }[];
    expect(await onlyRow('harness.phones.exportCredential')).toMatchObject({ targetLogin: 'hanako', details: { phone: 'iphone', credentialId } });
    expect(JSON.stringify(await everything())).not.toContain(exported!.privateKey);
  });

  it('a failed export (no such credential) writes no row', async () => {
    await expect(h['phones.exportCredential']({ name: 'iphone', credentialId: 'bm9uZQ' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNKNOWN' });
    expect(await rowsOf('harness.phones.exportCredential')).toEqual([]);
  });

  it('phones.import and phones.removeCredential are audited with the credential and the customer', async () => {
    const credentialId = await enrolled();
    const data = await h['phones.export']({ name: 'iphone' });
    await h['phones.import']({ data, name: 'copy' });
    expect(await onlyRow('harness.phones.import')).toMatchObject({ targetLogin: 'hanako', details: { phone: 'copy', credentialIds: [credentialId] } });
    await h['phones.removeCredential']({ name: 'copy', credentialId });
    expect(await onlyRow('harness.phones.removeCredential')).toMatchObject({ targetLogin: 'hanako', details: { phone: 'copy', credentialId } });
    expect(JSON.stringify(await everything())).not.toContain((data.credentials as { privateKey: string }[])[0]!.privateKey);
  });

  it('phones.createCredential / getAssertion (console frames) are audited with the phone, origin and customer', async () => {
    await enrolled();
    const [held] = await h['phones.credentials']({ name: 'iphone' });
    await h['phones.create']({ name: 'frame' });
    const options = { rp: { id: 'localhost', name: 'x' }, user: { id: held!.userHandle, name: 'hanako', displayName: 'hanako' }, challenge: 'Y2hhbGxlbmdlLWNoYWxsZW5nZQ', pubKeyCredParams: [{ type: 'public-key', alg: -7 }] };
    const created = await h['phones.createCredential']({ phone: 'frame', options, origin });
    expect(await onlyRow('harness.phones.createCredential')).toMatchObject({ targetLogin: 'hanako', details: { phone: 'frame', origin, credentialId: created.id } });
    const asserted = await h['phones.getAssertion']({ phone: 'iphone', options: { challenge: 'YW5vdGhlci1jaGFsbGVuZ2U', rpId: 'localhost' }, origin });
    expect(await onlyRow('harness.phones.getAssertion')).toMatchObject({ targetLogin: 'hanako', details: { phone: 'iphone', origin, credentialId: asserted.id } });
  });
});

describe('the local MDS', () => {
  it('mds.status and mds.serve are audited with what changed', async () => {
    const status = await h['mds.status']({ aaguid: YUBIKEY, status: 'REVOKED', effective: '2024-01-02' });
    expect(await onlyRow('harness.mds.status')).toMatchObject({ target: null, details: { aaguid: YUBIKEY, status: 'REVOKED', effective: '2024-01-02', no: status.no } });
    await h['mds.serve']({ broken: 'bad-signature' });
    await h['mds.serve']({ broken: null });
    const served = await rowsOf('harness.mds.serve');
    expect(served.map((e) => [e.actor, e.details.broken])).toEqual([
      [ACTOR, 'bad-signature'],
      [ACTOR, null],
    ]);
  });
});

describe('what stays unaudited, and refusals', () => {
  it('read-only channels write no row', async () => {
    const credentialId = await enrolled();
    const before = (await everything()).length;
    const viewer = h.as({ name: 'support', role: 'viewer' });
    for (const api of [h, viewer]) {
      await api['harness.info']({});
      await api['users.list']({});
      await api['users.show']({ username: 'hanako' });
      await api['users.account']({ username: 'hanako' });
      await api['phones.list']({});
      await api['phones.show']({ name: 'iphone' });
      await api['phones.credentials']({ name: 'iphone' });
      await api['phones.profiles']({});
      await api['phones.profileSchema']({});
      await api['phones.faults']({});
      await api['admin.passkeys']({ username: 'hanako' });
      await api['admin.inspect']({ credentialId });
      await api['admin.audit']({});
      await api['admin.auditSearch']({});
      await api['admin.verifyAudit']({});
      await api['scenarios.list']({});
      await api['scenarios.validate']({ sources: [{ name: 't.yaml', text: 'name: t\nsteps: []\n' }] });
      await api['ca.export']({});
      await api['mds.root']({});
      await api['mds.blob']({});
      await api['mds.list']({});
    }
    // The viewer was provisioned on first use (admin.create by system), nothing else.
    expect((await everything()).slice(before).map((e) => e.action)).toEqual(['admin.create']);
  });

  it('a viewer refused an operator channel is still audited as FORBIDDEN, with no success row', async () => {
    const viewer = h.as({ name: 'support', role: 'viewer' });
    await expect(viewer['phones.export']({ name: 'iphone' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await rowsOf('harness.phones.export')).toEqual([expect.objectContaining({ actor: 'admin:support', outcome: 'failure', details: { code: 'FORBIDDEN' } })]);
  });

  it('recordHarnessAction writes harness actions only, for a known admin', () => {
    expect(() => h.rp.admin.recordHarnessAction({ admin: ADMIN, action: 'admin.lockAccount' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => h.rp.admin.recordHarnessAction({ admin: 'nobody', action: 'harness.phones.create' })).toThrow(expect.objectContaining({ code: 'ADMIN_NOT_FOUND' }));
  });
});
