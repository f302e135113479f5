import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCertificatePath } from '@simplewebauthn/server/helpers';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInProfiles } from '../../../core/authenticator/index.js';
import { derToPem, openHarnessTrust } from '../../../core/mds/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pkh-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('persistent attestation CA', () => {
  it('keeps one root per installation: reopening the trust file gives the same PEM; the secret is sealed', async () => {
    const first = await openHarnessTrust({ dir, passphrase: 'correct horse', scryptCost: 1024 });
    const second = await openHarnessTrust({ dir, passphrase: 'correct horse', scryptCost: 1024 });
    expect(second.ca.rootPem).toBe(first.ca.rootPem);
    expect(second.mds.rootPem).toBe(first.mds.rootPem);
    expect((await second.ca.chainFor('yubikey-5')).x5c.map(derToPem)).toEqual((await first.ca.chainFor('yubikey-5')).x5c.map(derToPem));
    const file = readFileSync(join(dir, 'trust.json'), 'utf8');
    expect(file).not.toContain(Buffer.from(first.material.secret).toString('base64url'));
    expect(statSync(join(dir, 'trust.json')).mode & 0o077).toBe(0);
  });

  it('refuses a wrong passphrase with VAULT_LOCKED', async () => {
    await expect(openHarnessTrust({ dir, passphrase: 'wrong', scryptCost: 1024 })).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });

  it('seeded trust is reproducible (same keys: the same root public key)', async () => {
    const a = await openHarnessTrust({ seed: 'scenario-1' });
    const b = await openHarnessTrust({ seed: 'scenario-1' });
    const c = await openHarnessTrust({ seed: 'scenario-2' });
    const spki = (pem: string) => openssl('x509', '-noout', '-pubkey', '-in', write('s.pem', pem));
    expect(spki(a.ca.rootPem)).toBe(spki(b.ca.rootPem));
    expect(spki(a.ca.rootPem)).not.toBe(spki(c.ca.rootPem));
  });

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('issues a WebAuthn §8.2.1 packed chain that openssl and @simplewebauthn/server verify against the root', async () => {
    const trust = await openHarnessTrust({ dir, passphrase: 'correct horse', scryptCost: 1024 });
    const chain = await trust.ca.chainFor('yubikey-5');
    expect(chain.x5c).toHaveLength(2);
    const [leaf, intermediate] = chain.x5c.map(derToPem) as [string, string];
    const rootText = openssl('x509', '-noout', '-text', '-in', write('root.pem', trust.ca.rootPem));
    expect(rootText).toMatch(/CA:TRUE/);
    const leafText = openssl('x509', '-noout', '-text', '-in', write('leaf.pem', leaf));
    expect(leafText).toMatch(/Version: 3/);
    expect(leafText).toMatch(/Subject: C ?= ?US, O ?= ?Passkey Harness, OU ?= ?Authenticator Attestation, CN ?= ?Passkey Harness YubiKey 5 NFC/);
    expect(leafText).toMatch(/CA:FALSE/);
    expect(leafText).toMatch(/1\.3\.6\.1\.4\.1\.45724\.1\.1\.4:/);
    // The extension's value is an OCTET STRING of the 16 AAGUID bytes (§8.2.1).
    const der = execFileSync('openssl', ['x509', '-outform', 'DER', '-in', join(dir, 'leaf.pem')]);
    const ext = Buffer.concat([Buffer.from('060b2b0601040182e51c010104', 'hex')]);
    const at = der.indexOf(ext);
    expect(at).toBeGreaterThan(0);
    expect(der.subarray(at + ext.length, at + ext.length + 20).toString('hex')).toBe(`0412${'0410'}${builtInProfiles['yubikey-5']!.aaguid.replace(/-/g, '')}`);
    write('intermediate.pem', intermediate);
    expect(openssl('verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'intermediate.pem'), join(dir, 'leaf.pem'))).toMatch(/leaf\.pem: OK/);
    await expect(validateCertificatePath([leaf, intermediate], [trust.ca.rootPem])).resolves.toBe(true);

    // A different installation's root does not anchor this chain.
    const other = await openHarnessTrust({ seed: 'another installation' });
    expect(() => openssl('verify', '-CAfile', write('other.pem', other.ca.rootPem), '-untrusted', join(dir, 'intermediate.pem'), join(dir, 'leaf.pem'))).toThrow();
    await expect(validateCertificatePath([leaf, intermediate], [other.ca.rootPem])).rejects.toThrow();
  });

  it('packed leaves carry the AAGUID of the model they attest; the U2F leaf is one certificate under the root (§8.6)', async () => {
    const trust = await openHarnessTrust({ seed: 'aaguid-check' });
    const hello = await trust.ca.packedCertificate(builtInProfiles['windows-hello']!.aaguid);
    const text = openssl('x509', '-noout', '-text', '-in', write('hello.pem', derToPem(hello.certificate)));
    expect(text).toMatch(/CN ?= ?Passkey Harness Windows Hello/);
    const u2f = await trust.ca.u2fCertificate();
    write('u2f.pem', derToPem(u2f.certificate));
    expect(openssl('verify', '-CAfile', write('aroot.pem', trust.ca.rootPem), join(dir, 'u2f.pem'))).toMatch(/OK/);
  });
});
