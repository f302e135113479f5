import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { attachPhone, builtInProfiles, createPhone, type AttachMode } from '../../core/playwright/index.js';
import { CDP_AAGUID } from '../../core/browser/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';
import { startFido2Rp, type Fido2Rp } from '../support/fido2Rp.js';
import { startPythonFido2Rp, type PythonFido2Rp } from '../support/pythonFido2Rp.js';

/**
 * attachPhone against relying parties no one here wrote, each on loopback: fido2-lib (Node) and
 * Yubico's python-fido2 Fido2Server (Debian python3-fido2 0.9.1). Registration, then a
 * discoverable login, for every built-in profile in shim and cdp mode. One Chromium for the
 * file; every case gets its own context and a fresh in-memory phone.
 */
let browser: Browser;
let fido2: Fido2Rp;
/** fido2-lib offering RS256 only (it cannot verify EdDSA at all). */
let fido2Rsa: Fido2Rp;
let python: PythonFido2Rp;

beforeAll(async () => {
  [browser, fido2, fido2Rsa, python] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true }),
    startFido2Rp(),
    startFido2Rp({ cryptoParams: [-257] }),
    startPythonFido2Rp(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await fido2?.close();
  await fido2Rsa?.close();
  await python?.close();
});

const PROFILES = Object.keys(builtInProfiles);
const MODES: AttachMode[] = ['shim', 'cdp'];

async function roundTrip(options: { url: string; profile: string; mode: AttachMode; user: string; register?: Record<string, unknown> }) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const phone = createPhone({ profile: options.profile, seed: `interop:${options.user}` });
    const attached = await attachPhone(page, phone, { mode: options.mode });
    await page.goto(options.url);
    const registered = await page.evaluate(([user, opts]) => (globalThis as any).pkhRegister(user, opts), [options.user, options.register ?? {}] as const);
    const login = await page.evaluate(() => (globalThis as any).pkhLogin());
    const again = await page.evaluate((user) => (globalThis as any).pkhLogin(user), options.user);
    const { synced } = await attached.close();
    return { registered, login, again, synced, credentials: phone.credentials(), ceremonies: attached.ceremonies };
  } finally {
    await context.close();
  }
}

function expectProfileExact(expect: ExpectStatic, result: Awaited<ReturnType<typeof roundTrip>>, profile: string, mode: AttachMode) {
  const p = builtInProfiles[profile]!;
  // Chromium zeroes a roaming authenticator's AAGUID when the RP asks for no attestation.
  expect(result.registered.aaguid).toBe(mode === 'shim' ? p.aaguid : p.attachment === 'platform' ? CDP_AAGUID : '00000000-0000-0000-0000-000000000000');
  expect(result.registered.flags).toEqual(expect.arrayContaining(p.backupEligible ? ['UP', 'UV', 'AT', 'BE', 'BS'] : ['UP', 'UV', 'AT']));
  if (!p.backupEligible) expect(result.registered.flags).not.toContain('BE');
  // CDP mode: the phone learns Chromium's credential on close (sync); shim mode stores it as it goes.
  expect(result.credentials.map((c) => c.credentialId)).toEqual([result.registered.credentialId]);
  if (mode === 'cdp') expect(result.synced?.added).toEqual([result.registered.credentialId]);
  if (mode === 'shim' && p.counterPolicy === 'zero') expect([result.registered.counter, result.login.counter, result.again.counter]).toEqual([0, 0, 0]);
  else expect(result.again.counter).toBeGreaterThan(result.login.counter);
  expect(result.ceremonies.map((c) => `${c.ceremony}:${c.ok}`)).toEqual(['create:true', 'get:true', 'get:true']);
}

describe.each(MODES)('%s mode', (mode) => {
  it.for(PROFILES)('fido2-lib RP: %s registers and logs in (discoverable, then username-first)', async (profile, { expect }) => {
    const user = `f2l-${mode}-${profile}`;
    const result = await roundTrip({ url: fido2.url, profile, mode, user });
    expect(result.registered).toMatchObject({ ok: true, fmt: 'none' });
    expect(result.login).toMatchObject({ ok: true, username: user, credentialId: result.registered.credentialId });
    expect(result.again).toMatchObject({ ok: true, username: user });
    expectProfileExact(expect, result, profile, mode);
  });

  it.for(PROFILES)('python-fido2 RP: %s registers and logs in (discoverable, then username-first)', async (profile, { expect }) => {
    const user = `py-${mode}-${profile}`;
    const result = await roundTrip({ url: python.url, profile, mode, user });
    expect(result.registered).toMatchObject({ ok: true, fmt: 'none', alg: -7 });
    expect(result.login).toMatchObject({ ok: true, username: user, credentialId: result.registered.credentialId });
    expect(result.again).toMatchObject({ ok: true, username: user });
    expectProfileExact(expect, result, profile, mode);
  });
});

describe('python-fido2 RP: algorithms and attestation formats beyond ES256 / none', () => {
  // Every (profile, algorithm) pair a built-in profile supports other than ES256 (covered above),
  // with attestation conveyance "direct": python-fido2 verifies the packed statement itself.
  const pairs = PROFILES.flatMap((profile) => builtInProfiles[profile]!.algorithms.filter((alg) => alg !== -7).map((alg) => [profile, alg] as const));

  it.for(pairs)('shim: %s with COSE alg %i and a packed attestation statement', async ([profile, alg], { expect }) => {
    const result = await roundTrip({ url: python.url, profile, mode: 'shim', user: `py-alg-${profile}-${alg}`, register: { alg, attestation: 'direct' } });
    expect(result.registered).toMatchObject({ ok: true, alg, fmt: 'packed', aaguid: builtInProfiles[profile]!.aaguid });
    expect(result.again).toMatchObject({ ok: true });
  });

  it('cdp: Chromium\'s virtual authenticator with EdDSA (COSE alg -8)', async ({ expect }) => {
    const result = await roundTrip({ url: python.url, profile: 'yubikey-5', mode: 'cdp', user: 'py-cdp-eddsa', register: { alg: -8 } });
    expect(result.registered).toMatchObject({ ok: true, alg: -8 });
    expect(result.again).toMatchObject({ ok: true });
  });
});

describe('fido2-lib RP: RS256 (the only other algorithm it verifies)', () => {
  const rsaProfiles = PROFILES.filter((profile) => builtInProfiles[profile]!.algorithms.includes(-257));

  it.for(rsaProfiles)('shim: %s registers an RS256 credential and logs in', async (profile, { expect }) => {
    const user = `f2l-rsa-${profile}`;
    const result = await roundTrip({ url: fido2Rsa.url, profile, mode: 'shim', user });
    expect(result.registered).toMatchObject({ ok: true, aaguid: builtInProfiles[profile]!.aaguid });
    expect(result.credentials[0]!.algorithm).toBe(-257);
    expect(result.again).toMatchObject({ ok: true, username: user });
  });

  it('cdp: Chromium\'s virtual authenticator with RS256', async ({ expect }) => {
    const result = await roundTrip({ url: fido2Rsa.url, profile: 'windows-hello', mode: 'cdp', user: 'f2l-rsa-cdp' });
    expect(result.registered).toMatchObject({ ok: true });
    expect(result.credentials[0]!.algorithm).toBe(-257);
    expect(result.again).toMatchObject({ ok: true });
  });
});
