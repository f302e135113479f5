import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness } from '../../../core/harness/createHarness.js';

const dir = mkdtempSync(join(tmpdir(), 'pkh-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

describe('harness trust channels: ca.export and mds.* over one installation', () => {
  it('exports the same root from two harnesses on one database; chains and the MDS root too', async () => {
    const dbPath = join(dir, 'server.sqlite');
    const a = await createHarness({ dbPath, passphrase: 'pass phrase' });
    const rootA = await a['ca.export']({});
    await a.close();
    const b = await createHarness({ dbPath, passphrase: 'pass phrase' });
    try {
      const rootB = await b['ca.export']({});
      expect(rootB.pem).toBe(rootA.pem);
      expect(rootB.subject).toMatch(/CN=Passkey Harness Attestation Root/);
      const chain = await b['ca.export']({ chain: 'yubikey-5' });
      expect(chain.der).toHaveLength(2);
      expect(chain.subject).toMatch(/OU=Authenticator Attestation/);
      expect((await b['mds.root']({})).subject).toMatch(/MDS Root/);
      await expect(b['ca.export']({ chain: 'no-such-phone' })).rejects.toMatchObject({ code: 'PROFILE_UNKNOWN' });
    } finally {
      await b.close();
    }
  });

  it('two databases in one folder keep their own trust, each sealed with its own vault key file', async () => {
    const one = await createHarness({ dbPath: join(dir, 'one.sqlite') });
    const rootOne = (await one['ca.export']({})).pem;
    await one.close();
    const two = await createHarness({ dbPath: join(dir, 'two.sqlite') });
    try {
      expect((await two['ca.export']({})).pem).not.toBe(rootOne);
    } finally {
      await two.close();
    }
    expect(existsSync(join(dir, 'one.phones.trust.json')) && existsSync(join(dir, 'two.phones.trust.json'))).toBe(true);
  });

  it('a REVOKED status refuses enrolment under the metadata policy (AUTHENTICATOR_STATUS_REJECTED); viewers read but cannot change the MDS', async () => {
    const dbPath = join(dir, 'policy.sqlite');
    const setup = await createHarness({ dbPath, passphrase: 'pass phrase' });
    await setup['users.create']({ username: 'alice', emails: ['alice@example.test'] });
    await setup['phones.create']({ name: 'key', profile: 'yubikey-5' });
    const before = (await setup['mds.list']({})).no;
    const status = await setup['mds.status']({ aaguid: YUBIKEY, status: 'REVOKED' });
    expect(status.no).toBe(before + 1);
    const viewer = setup.as({ name: 'support', role: 'viewer' });
    expect((await viewer['mds.list']({})).entries.find((e) => e.aaguid === YUBIKEY)).toMatchObject({ status: 'REVOKED', description: 'YubiKey 5 NFC' });
    await expect(viewer['mds.status']({ aaguid: YUBIKEY, status: 'FIDO_CERTIFIED_L1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const blob = await viewer['mds.blob']({});
    expect(blob.blob.split('.')).toHaveLength(3);
    await setup.close();

    // Another process on the same installation sees the status (<vault>.mds.json beside the vault).
    const strict = await createHarness({ dbPath, passphrase: 'pass phrase', attestation: { attestationPolicy: 'metadata' } });
    try {
      await expect(strict.enroll({ username: 'alice', phone: 'key', attestation: 'direct' })).rejects.toMatchObject({ code: 'AUTHENTICATOR_STATUS_REJECTED', message: expect.stringContaining('REVOKED') });
      await strict['mds.status']({ aaguid: YUBIKEY, status: 'FIDO_CERTIFIED_L2' });
      const enrolled = await strict.enroll({ username: 'alice', phone: 'key', attestation: 'direct' });
      const inspected = await strict['admin.inspect']({ credentialId: enrolled.passkey.credentialId });
      expect(inspected.attestation).toMatchObject({ fmt: 'packed', type: 'basic', policy: 'metadata', trustPath: 'trusted', metadata: { description: 'YubiKey 5 NFC', status: 'FIDO_CERTIFIED_L2' } });
    } finally {
      await strict.close();
    }
  });
});
