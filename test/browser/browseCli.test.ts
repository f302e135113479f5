// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuilt, root } from '../cli/support.js';
import { startFido2Rp, type Fido2Rp } from '../support/fido2Rp.js';
import { OTP_SECRET, PASSPHRASE, startHarnessServer, type HarnessServer } from './browseSupport.js';

/**
 * `node cli/bin.js browse <url> --phone NAME --headless --script file.mjs` as CI and QA run it,
 * against our customer pages (both round trips, finished by `pkh login`) and the independent
 * fido2-lib RP. Asynchronous spawns: the servers live in this process and must keep answering.
 */
let server: HarnessServer;
let fido2: Fido2Rp;
const fixture = (name: string) => join(root, 'test', 'browser', 'fixtures', name);

function pkh(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', PASSKEY_HARNESS_DB: server.dbPath, PASSKEY_HARNESS_VAULT_PASSPHRASE: PASSPHRASE, PKH_TEST_OTP_SECRET: OTP_SECRET, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

beforeAll(async () => {
  ensureBuilt();
  server = await startHarnessServer();
  fido2 = await startFido2Rp();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await fido2?.close();
});

describe('pkh browse --headless', () => {
  it('round trip 1: register in Chromium (cdp) on the customer pages, then `pkh login` with the phone', async () => {
    // An incrementing profile: Chromium counts from 1, so a zero-counter profile would regress (docs/BROWSERS.md).
    await server.harness['phones.create']({ name: 'cli-rt1', profile: 'windows-hello' });
    await server.createCustomer('cli-rt1');
    const run = await pkh(['browse', `${server.url}/`, '--phone', 'cli-rt1', '--headless', '--script', fixture('customerRegister.mjs'), '--json'], { PKH_TEST_LOGIN_ID: 'cli-rt1' });
    expect(run.stderr).toContain('CDP mode cannot express this profile exactly');
    expect(run.stderr).toContain('aaguid: 01020304-0506-0708-0102-030405060708 (profile: 08987058-cadc-4b81-b6e1-30de50dcbe96)');
    expect(run.stderr).toContain('--mode shim');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ phone: 'cli-rt1', mode: 'cdp', credentialCount: 1, scriptResult: { registered: 'cli-rt1' } });
    expect(result.synced.added).toHaveLength(1);

    const login = await pkh(['login', 'cli-rt1', '--phone', 'cli-rt1', '--server', server.url, '--json'], { PASSKEY_HARNESS_TOKEN: server.token });
    expect(login.stderr).toBe('');
    expect(JSON.parse(login.stdout)).toMatchObject({ username: 'cli-rt1', credentialId: result.synced.added[0] });
  });

  it('round trip 2: a passkey from the harness enroll logs in from Chromium in shim mode and in cdp mode', async () => {
    await server.harness['phones.create']({ name: 'cli-rt2', profile: 'yubikey-5' });
    await server.harness['users.create']({ username: 'cli-rt2', emails: ['cli-rt2@example.test'] });
    const enrolled = await server.harness.enroll({ username: 'cli-rt2', phone: 'cli-rt2' });

    const shim = await pkh(['browse', `${server.url}/`, '--phone', 'cli-rt2', '--headless', '--mode', 'shim', '--script', fixture('customerLogin.mjs'), '--json'], { PKH_TEST_LOGIN_ID: 'cli-rt2' });
    expect(shim.stderr).not.toContain('cannot express');
    expect(shim.code).toBe(0);
    expect(JSON.parse(shim.stdout)).toMatchObject({ mode: 'shim', ceremonies: [{ ceremony: 'get', ok: true, credentialId: enrolled.passkey.credentialId }] });

    const cdp = await pkh(['browse', `${server.url}/`, '--phone', 'cli-rt2', '--headless', '--script', fixture('customerLogin.mjs'), '--json'], { PKH_TEST_LOGIN_ID: 'cli-rt2' });
    expect(cdp.stderr).toContain('attestation: ');
    expect(cdp.code).toBe(0);
    expect(JSON.parse(cdp.stdout)).toMatchObject({ mode: 'cdp', synced: { added: [], updated: [enrolled.passkey.credentialId] } });
  });

  it('the independent fido2-lib RP: register + login through cdp, then a discoverable login through the shim', async () => {
    await server.harness['phones.create']({ name: 'cli-fido2', profile: 'windows-hello' });
    const cdp = await pkh(['browse', fido2.url, '--phone', 'cli-fido2', '--headless', '--script', fixture('fido2Register.mjs'), '--json'], { PKH_TEST_LOGIN_ID: 'f2-cli' });
    expect(cdp.code).toBe(0);
    const registered = JSON.parse(cdp.stdout);
    expect(registered.scriptResult).toMatchObject({ registered: { ok: true }, login: { ok: true, username: 'f2-cli' } });

    const shim = await pkh(['browse', fido2.url, '--phone', 'cli-fido2', '--headless', '--mode', 'shim', '--script', fixture('fido2Login.mjs'), '--json']);
    expect(shim.code).toBe(0);
    expect(JSON.parse(shim.stdout).scriptResult).toMatchObject({ ok: true, username: 'f2-cli', credentialId: registered.scriptResult.registered.credentialId });
  });

  it('a failing script exits 1 with EXPECTATION_FAILED; an unknown phone exits 5', async () => {
    const failed = await pkh(['browse', fido2.url, '--phone', 'cli-fido2', '--headless', '--until-url', 'never-there', '--timeout', '500']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('EXPECTATION_FAILED');
    const missing = await pkh(['browse', fido2.url, '--phone', 'no-such-phone', '--headless']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('PHONE_NOT_FOUND');
  });
});
