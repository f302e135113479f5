import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachPhone, createPhone, openPhone, phoneFixtures, type AttachedPhone, type AttachMode, type PhoneFactory } from '../../core/playwright/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';
import { startFido2Rp, type Fido2Rp } from '../support/fido2Rp.js';

/** attachPhone's handle: prompts, faults, detaching and persistence, against the fido2-lib RP page. */
let browser: Browser;
let rp: Fido2Rp;
let dir: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [browser, rp, dir] = await Promise.all([chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true }), startFido2Rp(), mkdtemp(join(tmpdir(), 'pkh-attach-'))]);
}, 60_000);
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});
afterAll(async () => {
  await browser?.close();
  await rp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** The page's answer: the RP's verdict, or the DOMException name / server error a ceremony ended with. */
const register = (page: Page, user: string) => page.evaluate((u) => (globalThis as any).pkhRegister(u).catch((e: Error) => ({ error: e.name === 'Error' ? e.message : e.name })), user);
const login = (page: Page, user?: string) => page.evaluate((u) => (globalThis as any).pkhLogin(u).catch((e: Error) => ({ error: e.name === 'Error' ? e.message : e.name })), user);

describe.each<AttachMode>(['shim', 'cdp'])('%s mode', (mode) => {
  it('queued prompt answers: deny and time-out reach the page as NotAllowedError, then the next ceremony is approved; prompts are recorded', async () => {
    const page = await newPage();
    const phone = createPhone({ profile: 'windows-hello' });
    const attached = await attachPhone(page, phone, { mode });
    await page.goto(rp.url);
    attached.nextPrompt('deny', 'timeout');
    await expect(register(page, `deny-${mode}`)).resolves.toEqual({ error: 'NotAllowedError' });
    await expect(register(page, `deny-${mode}`)).resolves.toEqual({ error: 'NotAllowedError' });
    const ok = await register(page, `deny-${mode}`);
    expect(ok).toMatchObject({ ok: true });
    expect(phone.prompts.map((p) => `${p.ceremony}:${p.decision}`)).toEqual(['create:deny', 'create:timeout', 'create:approve']);
    expect(phone.prompts[0]).toMatchObject({ rpId: 'localhost', userName: `deny-${mode}` });
    expect(attached.ceremonies.map((c) => c.ok)).toEqual([false, false, true]);
    expect((await attached.credentials()).map((c) => c.credentialId)).toEqual([ok.credentialId]);
  });

  it('a prompt callback given to attachPhone answers while attached; close() detaches (NotAllowedError) and restores the phone\'s own prompt', async () => {
    const page = await newPage();
    const phone = createPhone({ profile: 'android-gpm', prompt: () => 'deny' });
    const asked: string[] = [];
    const attached = await attachPhone(page, phone, { mode, prompt: (req) => (asked.push(`${req.ceremony}:${req.userVerification}`), 'approve') });
    await page.goto(rp.url);
    expect(await register(page, `cb-${mode}`)).toMatchObject({ ok: true });
    expect(await login(page)).toMatchObject({ ok: true, username: `cb-${mode}` });
    expect(asked).toEqual(['create:preferred', 'get:preferred']);
    await attached.close();
    await expect(login(page)).resolves.toEqual({ error: 'NotAllowedError' });
    // Detached: refused before any prompt is shown.
    expect(phone.prompts).toHaveLength(2);
    expect(attached.ceremonies.at(-1)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/detached/) } });
    await expect(phone.create({ rp: { id: 'localhost', name: 'x' }, user: { id: 'AQ', name: 'u', displayName: 'u' }, challenge: 'AAAAAAAAAAAAAAAAAAAAAA', pubKeyCredParams: [{ type: 'public-key', alg: -7 }] }, { origin: rp.origin })).rejects.toMatchObject({ details: { reason: 'deny' } });
  });
});

describe.each<AttachMode>(['shim', 'cdp'])('%s mode: the Signal API', (mode) => {
  it('PublicKeyCredential.signalUnknownCredential from the RP page removes the credential from the phone (and from Chromium in cdp mode); a foreign RP ID is a SecurityError', async () => {
    const page = await newPage();
    const phone = createPhone({ profile: 'windows-hello' });
    const attached = await attachPhone(page, phone, { mode });
    await page.goto(rp.url);
    const { credentialId } = await register(page, `signal-${mode}`);
    const signal = (rpId: string) =>
      page.evaluate(([r, id]) => (globalThis as any).PublicKeyCredential.signalUnknownCredential({ rpId: r, credentialId: id }).then(() => 'ok', (e: Error) => e.name), [rpId, credentialId] as const);
    expect(await signal('example.com')).toBe('SecurityError');
    expect(await signal('localhost')).toBe('ok');
    expect(attached.signals).toEqual([expect.objectContaining({ signal: 'unknownCredential', rpId: 'localhost', origin: rp.origin, removed: [credentialId] })]);
    expect(await attached.credentials()).toEqual([]);
    // Nothing left to offer: the login fails on the phone side, and cdp mode's sync does not bring it back.
    expect(await login(page, `signal-${mode}`)).toEqual({ error: 'NotAllowedError' });
    await attached.close();
    expect(phone.credentials()).toEqual([]);
  });
});

describe('shim mode only', () => {
  it('faults armed on the handle reach the RP: fido2-lib rejects a corrupted signature and a wrong origin, then accepts once cleared', async () => {
    const page = await newPage();
    const attached = await attachPhone(page, createPhone({ profile: 'yubikey-5' }));
    await page.goto(rp.url);
    expect(await register(page, 'faulty')).toMatchObject({ ok: true });
    attached.faults.arm('corruptSignature');
    expect(await login(page, 'faulty')).toEqual({ error: expect.stringMatching(/signature/i) });
    attached.faults.clear();
    attached.faults.arm('wrongOrigin', 'https://phish.example');
    expect(await login(page, 'faulty')).toEqual({ error: expect.stringMatching(/origin/i) });
    attached.faults.clear();
    expect(await login(page, 'faulty')).toMatchObject({ ok: true });
  });

  it('uv-unavailable: UP without UV in shim mode (the RP sees no UV flag)', async () => {
    const page = await newPage();
    const attached = await attachPhone(page, createPhone({ profile: 'iphone-icloud' }));
    await page.goto(rp.url);
    attached.nextPrompt('uv-unavailable');
    const registered = await register(page, 'no-uv');
    expect(registered).toMatchObject({ ok: true });
    expect(registered.flags).toContain('UP');
    expect(registered.flags).not.toContain('UV');
  });

  it('patches a page that is already open, and refuses a second shim phone in the same context', async () => {
    const page = await newPage();
    await page.goto(rp.url);
    await attachPhone(page, createPhone({ profile: 'android-gpm' }));
    expect(await register(page, 'late')).toMatchObject({ ok: true, aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4' });
    await expect(attachPhone(page.context(), createPhone())).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});

describe('cdp mode only', () => {
  it('faults are refused (Chromium signs for itself); uv-unavailable is a refusal, as Chromium\'s UV-capable authenticator does', async () => {
    const page = await newPage();
    const attached = await attachPhone(page, createPhone({ profile: 'windows-hello' }), { mode: 'cdp' });
    expect(() => attached.faults.arm('corruptSignature')).toThrow(expect.objectContaining({ code: 'NOT_SUPPORTED' }));
    expect(attached.limits.map((l) => l.field)).toContain('aaguid');
    await page.goto(rp.url);
    attached.nextPrompt('uv-unavailable');
    expect(await register(page, 'cdp-no-uv')).toEqual({ error: 'NotAllowedError' });
    await expect(attachPhone(page, createPhone(), { mode: 'cdp' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('a conditional (autofill) request neither prompts nor blocks the phone: it waits until aborted, and an explicit ceremony still works', async () => {
    const page = await newPage();
    const phone = createPhone({ profile: 'android-gpm' });
    await attachPhone(page, phone, { mode: 'cdp' });
    await page.goto(rp.url);
    expect(await page.evaluate(() => (globalThis as any).PublicKeyCredential.isConditionalMediationAvailable())).toBe(false);
    await page.evaluate(() => {
      const controller = new AbortController();
      (globalThis as any).abortAutofill = () => controller.abort();
      (globalThis as any).autofill = (globalThis as any).navigator.credentials
        .get({ mediation: 'conditional', signal: controller.signal, publicKey: { challenge: new Uint8Array(32) } })
        .then(() => 'resolved', (e: Error) => e.name);
    });
    expect(await register(page, 'autofill-user')).toMatchObject({ ok: true });
    expect(phone.prompts.map((p) => p.ceremony)).toEqual(['create']);
    expect(await page.evaluate(() => ((globalThis as any).abortAutofill(), (globalThis as any).autofill))).toBe('AbortError');
  });

  it('a vault phone: the credential Chromium made is synced into the vault on close, and the reopened phone logs in through the shim', async () => {
    const vault = { path: join(dir, 'phones.sqlite'), passphrase: 'pw', scryptCost: 1024 };
    const phone = openPhone({ vault, name: 'qa-windows', profile: 'windows-hello' });
    const page = await newPage();
    const attached = await attachPhone(page, phone, { mode: 'cdp' });
    await page.goto(rp.url);
    const registered = await register(page, 'vaulted');
    expect(registered).toMatchObject({ ok: true });
    const { synced } = await attached.close();
    expect(synced?.added).toEqual([registered.credentialId]);
    phone.close();

    const again = openPhone({ vault, name: 'qa-windows' });
    expect(again.credentials().map((c) => c.credentialId)).toEqual([registered.credentialId]);
    const shimPage = await newPage();
    await attachPhone(shimPage, again);
    await shimPage.goto(rp.url);
    expect(await login(shimPage, 'vaulted')).toMatchObject({ ok: true, credentialId: registered.credentialId });
    again.close();
  });
});

describe('phoneFixtures (what test.extend receives)', () => {
  it('phone: a named vault phone persists across tests; phones.open gives each device its own context, reused by name, closed after the test', async () => {
    const vault = { path: join(dir, 'fixtures.sqlite'), passphrase: 'pw', scryptCost: 1024 };
    const fixtures = phoneFixtures({ profile: 'yubikey-5', vault, name: 'qa-key', seed: 'suite' });
    const info = { titlePath: ['passkeys.spec.ts', 'registers'] };
    const page = await newPage();
    let registered = '';
    await fixtures.phone({ page }, async (phone: AttachedPhone) => {
      expect(phone.phone.profile.id).toBe('yubikey-5');
      await page.goto(rp.url);
      registered = (await register(page, 'fixture-user')).credentialId;
    }, info);
    // The next test's phone is the same vault phone: it holds the credential and logs in.
    const next = await newPage();
    await fixtures.phone({ page: next }, async (phone: AttachedPhone) => {
      expect((await phone.credentials()).map((c) => c.credentialId)).toEqual([registered]);
      await next.goto(rp.url);
      expect(await login(next, 'fixture-user')).toMatchObject({ ok: true, credentialId: registered });
    }, info);

    let opened: PhoneFactory['opened'] | undefined;
    await fixtures.phones({ browser }, async (phones: PhoneFactory) => {
      const laptop = await phones.open('laptop', { profile: 'windows-hello' });
      const tablet = await phones.open('tablet', { mode: 'cdp' });
      expect(await phones.open('laptop')).toBe(laptop);
      expect(laptop.context).not.toBe(tablet.context);
      expect([laptop.mode, tablet.mode, laptop.phone.profile.id, tablet.phone.profile.id]).toEqual(['shim', 'cdp', 'windows-hello', 'yubikey-5']);
      await tablet.page.goto(rp.url);
      expect(await register(tablet.page, 'tablet-user')).toMatchObject({ ok: true });
      opened = phones.opened;
    }, info);
    expect([...opened!.keys()]).toEqual(['laptop', 'tablet']);
    // Closed after the test: contexts gone, the cdp phone synced into the vault first.
    expect(opened!.get('laptop')!.page.isClosed()).toBe(true);
    const tablet = openPhone({ vault, name: 'tablet' });
    expect(tablet.credentials()).toHaveLength(1);
    tablet.close();
  });

  it('seed: the same test title gives the same keys and credential id; another title does not', async () => {
    const fixtures = phoneFixtures({ profile: 'android-gpm', seed: 'run-1' });
    const ids: string[] = [];
    for (const title of ['a test', 'a test', 'another test']) {
      const page = await newPage();
      await fixtures.phone({ page }, async () => {
        await page.goto(rp.url);
        ids.push((await register(page, `seeded-${ids.length}`)).credentialId);
      }, { titlePath: ['seed.spec.ts', title] });
    }
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });
});
