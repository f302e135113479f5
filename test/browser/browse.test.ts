// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVault, type Vault } from '../../core/authenticator/vault.js';
import { CDP_AAGUID, openBrowser } from '../../core/browser/index.js';
import { toBase64url } from '../../core/webauthn/base64url.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';
import { startFido2Rp, type Fido2Rp } from '../support/fido2Rp.js';
import { OTP_SECRET, PASSPHRASE, startHarnessServer, type HarnessServer } from './browseSupport.js';
// @ts-expect-error plain ES module shared with the CLI scripts
import { passkeyLogin, registerPasskey } from './fixtures/customerFlows.mjs';

/**
 * The library calls behind `pkh browse`: openBrowser in cdp and shim mode against our customer
 * pages (both round trips) and against an independent fido2-lib relying party. One Chromium for
 * the file; each session gets a fresh context.
 */
let browser: Browser;
let server: HarnessServer;
let vault: Vault;
let fido2: Fido2Rp;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  server = await startHarnessServer();
  vault = openVault({ path: server.vaultPath, passphrase: PASSPHRASE });
  fido2 = await startFido2Rp();
}, 60_000);

afterAll(async () => {
  vault?.close();
  await browser?.close();
  await server?.close();
  await fido2?.close();
});

async function session(phone: string, url: string, mode: 'cdp' | 'shim') {
  const { profile } = vault.getPhone(phone);
  return openBrowser({ url, profile, credentials: vault.credentials(phone), authenticator: mode === 'shim' ? vault.authenticatorFor(phone) : undefined, mode, browser });
}

describe('openBrowser (library)', () => {
  it('round trip 1: a passkey registered in Chromium (CDP) on the customer pages is written back to the phone and logs in through the harness', async () => {
    await server.harness['phones.create']({ name: 'chromium-made', profile: 'windows-hello' });
    await server.createCustomer('lib-rt1');
    const s = await session('chromium-made', `${server.url}/`, 'cdp');
    expect(s.virtualAuthenticator?.options).toMatchObject({ protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true });
    await registerPasskey(s.page, { loginId: 'lib-rt1', otpSecret: OTP_SECRET });
    const { synced } = await s.close();
    expect(synced?.added).toHaveLength(1);
    const stored = vault.credentials('chromium-made').list();
    expect(stored.map((c) => toBase64url(c.id))).toEqual(synced?.added);
    expect(stored[0]).toMatchObject({ rpId: 'localhost', discoverable: true });
    // Chromium picked its own algorithm from the RP's list (EdDSA first here), not the profile's.
    expect([-7, -8, -257]).toContain(stored[0]!.alg);

    const login = await server.harness.login({ username: 'lib-rt1', phone: 'chromium-made', mode: 'username-first' });
    expect(login.credentialId).toBe(synced!.added[0]);
    const discoverable = await server.harness.login({ phone: 'chromium-made', mode: 'discoverable' });
    expect(discoverable.username).toBe('lib-rt1');
  });

  it('round trip 2: a passkey enrolled by the harness logs in from Chromium, in shim mode (exact profile) and in CDP mode (counter written back)', async () => {
    await server.harness['phones.create']({ name: 'harness-made', profile: 'windows-hello' });
    await server.harness['users.create']({ username: 'lib-rt2', emails: ['lib-rt2@example.test'] });
    const enrolled = await server.harness.enroll({ username: 'lib-rt2', phone: 'harness-made' });

    const shim = await session('harness-made', `${server.url}/`, 'shim');
    expect(shim.limits).toEqual([]);
    await expect(passkeyLogin(shim.page, { loginId: 'lib-rt2' })).resolves.toMatchObject({ loggedIn: expect.stringContaining('lib-rt2') });
    expect(shim.ceremonies).toEqual([expect.objectContaining({ ceremony: 'get', ok: true, credentialId: enrolled.passkey.credentialId })]);
    await shim.close();
    const afterShim = vault.credentials('harness-made').list()[0]!.signCount;

    const cdp = await session('harness-made', `${server.url}/`, 'cdp');
    expect(cdp.virtualAuthenticator?.loaded).toEqual([enrolled.passkey.credentialId]);
    expect(cdp.limits.map((l) => l.field)).toEqual(expect.arrayContaining(['aaguid', 'attestation']));
    await expect(passkeyLogin(cdp.page, {})).resolves.toMatchObject({ loggedIn: expect.stringContaining('lib-rt2') });
    const { synced } = await cdp.close();
    expect(synced).toMatchObject({ added: [], updated: [enrolled.passkey.credentialId] });
    expect(vault.credentials('harness-made').list()[0]!.signCount).toBeGreaterThan(afterShim);
    // The phone kept its state: the harness logs in after Chromium advanced the counter.
    await expect(server.harness.login({ username: 'lib-rt2', phone: 'harness-made', mode: 'username-first' })).resolves.toMatchObject({ username: 'lib-rt2' });
  });

  it('the independent fido2-lib RP accepts registration and login through CDP, then the same phone logs in through the shim', async () => {
    vault.createPhone({ name: 'fido2-phone', profile: 'windows-hello' });
    const cdp = await session('fido2-phone', fido2.url, 'cdp');
    const registered = await cdp.page.evaluate(() => (globalThis as any).pkhRegister('f2-cdp'));
    expect(registered).toMatchObject({ ok: true, fmt: 'none' });
    await expect(cdp.page.evaluate(() => (globalThis as any).pkhLogin('f2-cdp'))).resolves.toMatchObject({ ok: true, username: 'f2-cdp' });
    const { synced } = await cdp.close();
    expect(synced?.added).toEqual([registered.credentialId]);

    const shim = await session('fido2-phone', fido2.url, 'shim');
    await expect(shim.page.evaluate(() => (globalThis as any).pkhLogin())).resolves.toMatchObject({ ok: true, username: 'f2-cdp', credentialId: registered.credentialId });
    const shimRegistered = await shim.page.evaluate(() => (globalThis as any).pkhRegister('f2-shim'));
    expect(shimRegistered).toMatchObject({ ok: true, fmt: 'none' });
    await expect(shim.page.evaluate(() => (globalThis as any).pkhLogin('f2-shim'))).resolves.toMatchObject({ ok: true, username: 'f2-shim' });
    await shim.close();
    expect(vault.credentials('fido2-phone').list()).toHaveLength(2);
    expect(fido2.events.map((e) => `${e.ceremony}:${e.username}`)).toEqual(['register:f2-cdp', 'login:f2-cdp', 'login:f2-cdp', 'register:f2-shim', 'login:f2-shim']);
  });

  it('shim mode keeps the profile exact where CDP cannot: the fido2-lib RP sees the iPhone AAGUID and BE/BS from the shim, Chromium\'s fixed AAGUID from CDP', async () => {
    vault.createPhone({ name: 'fido2-iphone', profile: 'iphone-icloud' });
    const shim = await session('fido2-iphone', fido2.url, 'shim');
    const exact = await shim.page.evaluate(() => (globalThis as any).pkhRegister('f2-iphone-shim'));
    await shim.close();
    expect(exact).toMatchObject({ aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd', counter: 0 });
    expect(exact.flags).toEqual(expect.arrayContaining(['UP', 'UV', 'AT', 'BE', 'BS']));

    const cdp = await session('fido2-iphone', fido2.url, 'cdp');
    expect(cdp.limits.map((l) => l.field)).toEqual(['aaguid', 'counter', 'transports', 'algorithms', 'credentialIdLength']);
    const approximate = await cdp.page.evaluate(() => (globalThis as any).pkhRegister('f2-iphone-cdp'));
    await cdp.close();
    expect(approximate.aaguid).toBe(CDP_AAGUID);
    // BE/BS are expressible in CDP (defaultBackupEligibility/defaultBackupState).
    expect(approximate.flags).toEqual(expect.arrayContaining(['BE', 'BS']));
  });
});
