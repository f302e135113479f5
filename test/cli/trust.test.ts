import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);
const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('pkh ca / pkh mds (issue 13 acceptance)', () => {
  it('ca export prints the same PEM in two processes; openssl parses it and verifies a phone leaf against it', () => {
    const home = tempDir();
    const first = cli(['ca', 'export'], { home });
    const second = cli(['ca', 'export'], { home });
    expect(first.code, first.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const root = join(home, 'root.pem');
    writeFileSync(root, first.stdout);
    expect(openssl('x509', '-noout', '-text', '-in', root)).toMatch(/Subject: C ?= ?US, O ?= ?Passkey Harness, OU ?= ?Authenticator Attestation CA/);
    const chain = join(home, 'chain.pem');
    expect(cli(['ca', 'export', '--chain', 'yubikey-5', '--output', chain], { home }).code).toBe(0);
    expect(openssl('verify', '-CAfile', root, '-untrusted', chain, chain)).toMatch(/OK/);
    const der = join(home, 'root.der');
    expect(cli(['ca', 'export', '--format', 'der', '--output', der], { home }).code).toBe(0);
    expect(openssl('x509', '-inform', 'DER', '-in', der)).toBe(first.stdout);
    expect(cli(['ca', 'export', '--chain', 'nope'], { home }).stderr).toMatch(/PROFILE_UNKNOWN/);
  }, 180_000);

  it('mds blob is a three-part JWS whose header x5c chains to pkh mds root', () => {
    const home = tempDir();
    const blob = cli(['mds', 'blob'], { home });
    expect(blob.code, blob.stderr).toBe(0);
    const parts = blob.stdout.trim().split('.');
    expect(parts).toHaveLength(3);
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg: string; x5c: string[] };
    expect(header.alg).toBe('ES256');
    const signer = join(home, 'signer.pem');
    writeFileSync(signer, `-----BEGIN CERTIFICATE-----\n${header.x5c[0]!.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`);
    const root = join(home, 'mds-root.pem');
    expect(cli(['mds', 'root', '--output', root], { home }).code).toBe(0);
    expect(openssl('verify', '-CAfile', root, signer)).toMatch(/OK/);
    // The attestation root does not anchor the BLOB: the MDS has its own root.
    writeFileSync(join(home, 'att.pem'), cli(['ca', 'export'], { home }).stdout);
    expect(() => openssl('verify', '-CAfile', join(home, 'att.pem'), signer)).toThrow();
  }, 180_000);

  it('mds status REVOKED, then --attestation-policy metadata enroll --attestation direct exits 6 with AUTHENTICATOR_STATUS_REJECTED', () => {
    const home = tempDir();
    expect(cli(['user', 'create', 'alice', '--email', 'alice@example.test'], { home }).code).toBe(0);
    expect(cli(['phone', 'create', 'alice-key', '--profile', 'yubikey-5'], { home }).code).toBe(0);
    const status = cli(['mds', 'status', YUBIKEY, 'REVOKED'], { home });
    expect(status.stdout).toContain('REVOKED');
    expect(cli(['mds', 'list'], { home }).stdout).toMatch(/yubikey-5\s+YubiKey 5 NFC\s+REVOKED/);
    const refused = cli(['--attestation-policy', 'metadata', 'enroll', 'alice', '--phone', 'alice-key', '--attestation', 'direct'], { home });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/^AUTHENTICATOR_STATUS_REJECTED: YubiKey 5 NFC has status REVOKED/m);
    // The same policy from the environment; a certified model is enrolled and inspect shows why it was trusted.
    expect(cli(['mds', 'status', YUBIKEY, 'FIDO_CERTIFIED_L2'], { home }).code).toBe(0);
    const env = { PASSKEY_HARNESS_ATTESTATION_POLICY: 'metadata' };
    const enrolled = cli(['enroll', 'alice', '--phone', 'alice-key', '--attestation', 'direct', '--json'], { home, env });
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const credentialId = (JSON.parse(enrolled.stdout) as { passkey: { credentialId: string } }).passkey.credentialId;
    const inspected = cli(['admin', 'inspect', credentialId], { home });
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(inspected.stdout).toMatch(/attestation\s+packed basic, trust path trusted \(policy metadata\)/);
    expect(inspected.stdout).toMatch(/model\s+YubiKey 5 NFC: FIDO_CERTIFIED_L2/);
    expect(cli(['--attestation-policy', 'nonsense', 'mds', 'list'], { home }).code).toBe(2);
    writeFileSync(join(home, 'bad.json'), JSON.stringify({ attestationPolicy: 'sometimes' }));
    expect(cli(['--config', join(home, 'bad.json'), 'mds', 'list'], { home }).code).toBe(4);
  }, 300_000);
});
