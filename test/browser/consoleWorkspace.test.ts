import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../core/harness/createHarness.js';
import { createHarnessMount } from '../../core/harness/createHarnessMount.js';
import { createHttpServer } from '../../core/http/index.js';
import { launchChromium, requireBuiltRenderer, SCREENSHOT_DIR, type LaunchedBrowser } from '../support/browser.js';
import { latestMailedCode, logInOnPhone } from '../support/phoneFrameFlows.js';
import { holdAnswer } from '../support/holdAnswer.js';

/**
 * The console as QA and support use it, at 1280×800 (a laptop), in Chromium over HTTP against
 * the real core: the phone workspace (prompt, live credentials, DevTools-style table, mailbox,
 * timeline), support's account view (lock / unlock, end sessions, audit by login ID), the viewer
 * role, the audit log, and the Signal API round trip after support revokes a passkey.
 * One browser and one server for the whole file; the tests run in order on shared state.
 */
const VIEWPORT = { width: 1280, height: 800 };
let dir: string;
let harness: Harness;
let server: { url: string; close(): Promise<void> };
let browser: LaunchedBrowser;
let page: Page;
let origin: string;
let operatorUrl: string;
let viewerUrl: string;

async function shot(name: string, target: Page = page): Promise<void> {
  await target.screenshot({ path: join(SCREENSHOT_DIR, `workspace-${name}.png`), fullPage: false });
}

const phoneFrame = (name: string): FrameLocator => page.frameLocator(`[data-testid="phone-frame-${name}"]`);
const phoneCard = (name: string) => page.getByTestId(`phone-${name}`);

/** 登録 → メール認証 → 認証コード入力 → 確認, leaving the customer on the confirm screen. */
async function toConfirm(phone: FrameLocator, email: string): Promise<void> {
  await phone.getByTestId('passkey-register').click();
  await phone.getByTestId('screen-email').waitFor();
  await phone.getByTestId('email-option-0').check();
  await phone.getByTestId('email-send').click();
  await phone.getByTestId('screen-code').waitFor();
  await phone.getByTestId('code-input').fill(await latestMailedCode(harness, email));
  await phone.getByTestId('code-submit').click();
  await phone.getByTestId('screen-confirm').waitFor();
}

async function setLocale(code: 'ja' | 'en', target: Page = page): Promise<void> {
  await target.getByTestId('locale').selectOption(code);
}

beforeAll(async () => {
  const staticDir = requireBuiltRenderer('console');
  requireBuiltRenderer('customer');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'pkh-workspace-'));
  const probe = await createHttpServer({ rp: {} as never, staticDir: null }).listen({ port: 0, host: '127.0.0.1' });
  const port = probe.port;
  await probe.close();
  origin = `http://localhost:${port}`;
  harness = await createHarness({ dbPath: join(dir, 'harness.sqlite'), vaultPath: join(dir, 'vault.sqlite'), rpId: 'localhost', origin, actor: { name: 'cli:qa', role: 'operator' } });
  operatorUrl = `${origin}/console/#token=${harness.issueToken({ name: 'suzuki', role: 'operator' })}`;
  viewerUrl = `${origin}/console/#token=${harness.issueToken({ name: 'sato', role: 'viewer' })}`;
  server = await createHttpServer({ rp: harness.rp as never, harness: createHarnessMount(harness), staticDir, origins: [origin] }).listen({ port, host: '127.0.0.1' });
  await harness['users.create']({ username: 'hanako', displayName: '山田 花子', emails: ['hanako@example.jp'] });
  await harness['users.create']({ username: 'taro', displayName: '鈴木 太郎', emails: ['taro@example.jp'] });
  browser = await launchChromium({ viewport: VIEWPORT, locale: 'ja-JP' });
  page = browser.page;
  await page.goto(operatorUrl);
  await page.getByTestId('api-mode').waitFor();
  await setLocale('ja');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('phone workspace at 1280×800', () => {
  it('shows a pending prompt above everything, focused: Esc denies, Enter approves; the count and timeline update live', async () => {
    await page.getByTestId('phone-add-name').fill('iphone-hanako');
    await page.getByTestId('phone-add').click();
    const phone = phoneFrame('iphone-hanako');
    await logInOnPhone(phone, 'hanako');
    expect(await phoneCard('iphone-hanako').getByTestId('phone-count').getAttribute('data-count')).toBe('0');
    await toConfirm(phone, 'hanako@example.jp');
    await phone.getByTestId('confirm-register').click();
    const prompt = page.getByTestId('device-prompt');
    await prompt.waitFor();
    // Entirely inside the window, on top (nothing covers its centre), opaque card, and focused on Approve.
    const box = (await prompt.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(VIEWPORT.width);
    expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORT.height);
    const onTop = await page.evaluate(`(() => { const el = document.elementFromPoint(${box.x + box.width / 2}, ${box.y + box.height / 2}); return !!el && !!el.closest('[data-testid="device-prompt"]'); })()`);
    expect(onTop).toBe(true);
    // (Typed by hand: this file is typechecked without the DOM library.)
    expect(await prompt.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
    expect(await page.evaluate('document.activeElement && document.activeElement.getAttribute("data-testid")')).toBe('prompt-approve');
    await shot('1-prompt-ja');
    await page.keyboard.press('Escape');
    await phone.getByTestId('error-code').waitFor();
    expect(await phone.getByTestId('error-code').textContent()).toBe('NOT_ALLOWED');
    expect(await prompt.count()).toBe(0);
    // 戻る is usable again, and a second 登録 gets a new prompt: Enter approves.
    expect(await phone.getByTestId('confirm-back').isEnabled()).toBe(true);
    await setLocale('en');
    await phone.getByTestId('confirm-register').click();
    await prompt.waitFor();
    await shot('1b-prompt-en');
    await page.keyboard.press('Enter');
    await phone.getByTestId('screen-done').waitFor();
    await setLocale('ja');
    // Live: the header count and the DevTools-style list follow the ceremony without a reload.
    await expect.poll(() => phoneCard('iphone-hanako').getByTestId('phone-count').getAttribute('data-count')).toBe('1');
    await expect.poll(() => phoneCard('iphone-hanako').getByTestId('phone-credential').count()).toBe(1);
    const timeline = phoneCard('iphone-hanako').getByTestId('timeline-event');
    await expect.poll(() => timeline.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-status')}`))).toEqual(
      expect.arrayContaining(['prompt:fail', 'prompt:ok', 'response:ok', 'verdict:ok', 'mail:info']),
    );
    // The mailbox beside the phone shows the code large, newest first.
    expect(await phoneCard('iphone-hanako').getByTestId('mail-code').first().textContent()).toMatch(/^\d{6}$/);
    await phone.getByTestId('done-back').click();
    await phone.getByTestId('screen-info').waitFor();
    await shot('2-phone-ja');
  });

  it('lists credentials like DevTools: open in the inspector, export one credential, remove one', async () => {
    const card = phoneCard('iphone-hanako');
    const row = card.getByTestId('phone-credential').first();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('localhost');
    expect(text).toContain('hanako');
    expect(text).toContain('ES256');
    expect(text).toContain('BE / BS');
    const credentialId = (await row.getAttribute('data-credential-id'))!;
    await row.getByTestId('credential-inspect').click();
    await card.getByTestId('inspector-record').waitFor();
    await card.getByTestId('inspection').waitFor();
    expect(await card.getByTestId('inspect-step-rpIdHash').getAttribute('data-status')).toBe('pass');
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('credential-export').click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { credentials: { credentialId: string; privateKey: string }[] };
    expect(exported.credentials.map((c) => c.credentialId)).toEqual([credentialId]);
    // A second credential (taro's, enrolled on the same phone by the harness) to remove.
    await harness.enroll({ username: 'taro', phone: 'iphone-hanako' });
    await card.getByTestId('phone-credentials').click();
    await expect.poll(() => card.getByTestId('phone-count').getAttribute('data-count')).toBe('2');
    await shot('3-credentials-ja');
    page.once('dialog', (dialog) => void dialog.accept());
    await card.locator('[data-testid="phone-credential"]', { hasText: 'taro' }).getByTestId('credential-remove').click();
    await expect.poll(() => card.getByTestId('phone-count').getAttribute('data-count')).toBe('1');
    expect(await card.locator('[data-testid="phone-credential"]', { hasText: 'taro' }).count()).toBe(0);
  });
});

describe('support', () => {
  const openAccount = async (name: string) => {
    await page.getByTestId('support-search').fill(name);
    await page.getByTestId('support-search-button').click();
    await page.locator(`[data-testid="support-open"][data-username="${name}"]`).click();
    // The card of the account opened before stays up until the new one loads: wait for this user's card.
    await page.locator(`[data-testid="support-account"][data-username="${name}"]`).waitFor();
  };

  it('search says when nothing matches and labels the counts', async () => {
    await page.getByTestId('tab-support').click();
    await page.getByTestId('support-search').fill('nobody-here');
    await page.getByTestId('support-search-button').click();
    expect(await page.getByTestId('support-no-results').textContent()).toContain('nobody-here');
    await page.getByTestId('support-search').fill('hanako');
    await page.getByTestId('support-search-button').click();
    expect(await page.getByTestId('support-passkey-count').first().textContent()).toBe('有効なパスキー 1 件');
  });

  it('opening another customer takes the previous card away at once, so no click lands on the wrong account', async () => {
    await page.getByTestId('tab-support').click();
    await openAccount('taro');
    // Hold the next account read, as a slow server would.
    const read = await holdAnswer(page, '**/api/harness/users.account');
    try {
      await page.getByTestId('support-search').fill('hanako');
      await page.getByTestId('support-search-button').click();
      await page.locator('[data-testid="support-open"][data-username="hanako"]').click();
      await read.held;
      expect(await page.getByTestId('support-account').count()).toBe(0);
      await read.release();
      await page.locator('[data-testid="support-account"][data-username="hanako"]').waitFor();
    } finally {
      await read.done();
    }
  });

  it('of two customers opened in quick succession, the last one picked shows, whichever answer arrives last', async () => {
    await page.getByTestId('tab-support').click();
    await page.getByTestId('support-search').fill('');
    await page.getByTestId('support-search-button').click();
    // taro's account answer is held until hanako's has been shown.
    const taro = await holdAnswer(page, '**/api/harness/users.account', { matches: (body) => body.includes('"taro"'), answeredFirst: true });
    try {
      await page.locator('[data-testid="support-open"][data-username="taro"]').click();
      await taro.held;
      await page.locator('[data-testid="support-open"][data-username="hanako"]').click();
      await page.locator('[data-testid="support-account"][data-username="hanako"]').waitFor();
      await taro.release();
      // Search is disabled until every account read in flight has ended, taro's late one included.
      await expect.poll(() => page.getByTestId('support-search-button').isEnabled()).toBe(true);
      expect(await page.getByTestId('support-account').getAttribute('data-username')).toBe('hanako');
    } finally {
      await taro.done();
    }
  });

  it('ends all sessions, locks with a reason shown on the account, and unlocks; the history names the customer by login ID', async () => {
    await openAccount('hanako');
    expect(await page.getByTestId('account-status').textContent()).toBe('利用可能');
    expect(await page.getByTestId('account-session').count()).toBeGreaterThan(0);
    // A blank reason is reported inside the form, not at the top of the page.
    await page.getByTestId('account-end-sessions').click();
    await page.getByTestId('support-reason').fill('   ');
    await page.getByTestId('support-confirm').click();
    expect(await page.getByTestId('support-confirm-form').getByTestId('error-code').textContent()).toBe('REASON_REQUIRED');
    await page.getByTestId('support-reason').fill('お客様から全端末ログアウトの依頼');
    await page.getByTestId('support-ticket').fill('SUP-2001');
    await page.getByTestId('support-confirm').click();
    await page.getByTestId('support-done').waitFor();
    await expect.poll(() => page.getByTestId('account-session').count()).toBe(0);
    await page.getByTestId('account-lock').click();
    await page.getByTestId('support-reason').fill('不正ログインの疑い');
    await page.getByTestId('support-ticket').fill('SUP-2002');
    await page.getByTestId('support-confirm').click();
    await page.getByTestId('support-done').waitFor();
    await expect.poll(() => page.getByTestId('support-account').getAttribute('data-status')).toBe('locked');
    expect(await page.getByTestId('account-lock-reason').textContent()).toContain('不正ログインの疑い');
    expect(await page.getByTestId('account-lock-reason').textContent()).toContain('admin:suzuki');
    const targets = await page.getByTestId('support-account').getByTestId('audit-target').allTextContents();
    expect(targets.length).toBeGreaterThan(3);
    expect(new Set(targets)).toEqual(new Set(['hanako']));
    // At 1280 px the passkey table, History and Revoke included, stays inside the account's card.
    const overflow = () =>
      page.getByTestId('support-account').evaluate((card) => {
        const table = card.querySelector('[data-testid="passkey-row"]')!.closest('table')!;
        return Math.round(table.getBoundingClientRect().right - card.getBoundingClientRect().right);
      });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot('4-support-locked-ja');
    await setLocale('en');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot('5-support-locked-en');
    await setLocale('ja');
    await page.getByTestId('account-unlock').click();
    await page.getByTestId('support-reason').fill('本人確認済み');
    await page.getByTestId('support-confirm').click();
    await expect.poll(() => page.getByTestId('support-account').getAttribute('data-status')).toBe('active');
  });

});

describe('Signal API round trip (shim mode)', () => {
  it('support revokes a passkey; the customer page signals; the phone stops offering it and lists it as removed by RP signal', async () => {
    const revokedId = (await harness['admin.passkeys']({ username: 'hanako' })).find((p) => !p.revokedAt)!.credentialId;
    await page.locator(`[data-testid="passkey-row"][data-credential-id="${revokedId}"]`).getByTestId('passkey-revoke').click();
    await page.getByTestId('support-reason').fill('端末紛失');
    await page.getByTestId('support-ticket').fill('SUP-2003');
    await page.getByTestId('support-confirm').click();
    await page.getByTestId('support-done').waitFor();
    const row = page.locator(`[data-testid="passkey-row"][data-credential-id="${revokedId}"]`);
    expect(await row.getByTestId('passkey-revoke-reason').textContent()).toBe('端末紛失');
    expect(await row.getByTestId('passkey-revoked-by').textContent()).toBe('admin:suzuki');
    expect(await row.getByTestId('passkey-status').textContent()).toBe('失効済み');

    await page.getByTestId('tab-phones').click();
    const phone = phoneFrame('iphone-hanako');
    await phoneCard('iphone-hanako').getByTestId('phone-reload').click();
    // The revoke ended the customer's sessions: wait for the reloaded page's ログイン (the old page may still
    // show 登録情報照会 for a moment), sign in again; 登録情報照会 signals the accepted passkeys.
    await phone.getByTestId('screen-login').waitFor();
    await logInOnPhone(phone, 'hanako');
    const removed = phoneCard('iphone-hanako').locator(`[data-testid="phone-credential"][data-credential-id="${revokedId}"]`);
    await expect.poll(() => removed.getAttribute('data-removed')).toBe('signal');
    expect(await removed.getByTestId('credential-removed-by-signal').textContent()).toContain('allAcceptedCredentials');
    await expect.poll(() => phoneCard('iphone-hanako').getByTestId('phone-count').getAttribute('data-count')).toBe('0');
    expect(await phoneCard('iphone-hanako').locator('[data-testid="timeline-event"][data-kind="signal"][data-status="ok"]').count()).toBe(1);
    const [audited] = (await harness['admin.auditSearch']({ action: 'phone.signal' })).entries;
    expect(audited).toMatchObject({ actor: 'phone:iphone-hanako', targetLogin: 'hanako', details: { removedCredentialIds: [revokedId] } });
    await shot('6-signal-ja');
    await phoneCard('iphone-hanako').getByTestId('phone-credential-list').scrollIntoViewIfNeeded();
    await shot('6b-signal-credentials-ja');
    // The phone no longer offers the dead credential: a passkey login on it finds nothing to sign with.
    await phone.getByTestId('logout').click();
    await phone.getByTestId('goto-passkey-login').click();
    await phone.getByTestId('passkey-login-id').fill('hanako');
    await phone.getByTestId('passkey-login-submit').click();
    await page.getByTestId('device-prompt').waitFor();
    await page.keyboard.press('Enter');
    await phone.getByTestId('error-code').waitFor();
    expect(await phone.getByTestId('error-code').textContent()).not.toBe('');
    expect(await harness['phones.credentials']({ name: 'iphone-hanako' }).then((list) => list.filter((c) => !c.removedBySignal))).toEqual([]);
  });
});

describe('Signal API round trip after the customer deletes a passkey', () => {
  it('the customer deletes a passkey on パスキーの管理; the page signals it unknown; the phone drops it', async () => {
    await page.getByTestId('phone-add-name').fill('android-taro');
    await page.getByTestId('phone-add-profile').selectOption('android-gpm');
    await page.getByTestId('phone-add').click();
    // The click only sends phones.create: wait for the phone to exist before enrolling on it.
    await phoneCard('android-taro').waitFor();
    await harness.enroll({ username: 'taro', phone: 'android-taro' });
    const [held] = await harness['phones.credentials']({ name: 'android-taro' });
    const phone = phoneFrame('android-taro');
    await logInOnPhone(phone, 'taro');
    await phone.getByTestId('passkey-manage').click();
    await phone.getByTestId('screen-passkeys').waitFor();
    expect(await phone.getByTestId('customer-passkey').count()).toBe(2);
    const row = phone.locator(`[data-testid="customer-passkey"][data-credential-id="${held!.credentialId}"]`);
    await row.getByTestId('customer-passkey-delete').click();
    await row.getByTestId('customer-passkey-delete-confirm').click();
    await phone.getByTestId('passkeys-notice').waitFor();
    expect(await phone.getByTestId('customer-passkey').count()).toBe(1);
    const removed = phoneCard('android-taro').locator(`[data-testid="phone-credential"][data-credential-id="${held!.credentialId}"]`);
    await expect.poll(() => removed.getAttribute('data-removed')).toBe('signal');
    expect(await removed.getByTestId('credential-removed-by-signal').textContent()).toContain('unknownCredential');
    await phoneCard('android-taro').scrollIntoViewIfNeeded();
    await shot('6c-customer-delete-ja');
    // Support sees who deleted it and why.
    const view = await harness['users.account']({ username: 'taro' });
    expect(view.passkeys.find((p) => p.credentialId === held!.credentialId)).toMatchObject({ revokeReason: 'deleted by the customer', revokedBy: 'customer:taro' });
  });
});

describe('viewer and audit log', () => {
  it('a viewer sees no Run button and no step-up codes', async () => {
    const viewer = await browser.context.newPage();
    try {
      await viewer.goto(viewerUrl);
      // Until the server says who this is, every console is a viewer's: wait for its answer, or nothing below is tested.
      await viewer.locator('[data-testid="api-mode"][data-caller-role="viewer"]').waitFor();
      await setLocale('en', viewer);
      await viewer.getByTestId('phone-mailbox').first().waitFor();
      await expect.poll(() => viewer.getByTestId('phone-mail').count()).toBeGreaterThan(0);
      expect(await viewer.getByTestId('phone-mailbox').first().textContent()).not.toMatch(/\b\d{6}\b/);
      await shot('7-viewer-phone-en', viewer);
      await viewer.getByTestId('tab-scenarios').click();
      await viewer.getByTestId('scenario-viewer-note').waitFor();
      expect(await viewer.getByTestId('scenario-run').count()).toBe(0);
      expect(await viewer.getByTestId('scenario-pick').locator('option').count()).toBeGreaterThan(10);
      await viewer.getByTestId('scenario-pick').selectOption('shipped:22-admin-revoke.yaml');
      expect(await viewer.getByTestId('scenario-text').inputValue()).toContain('revoke');
      await shot('8-viewer-scenarios-en', viewer);
    } finally {
      await viewer.close();
    }
  });

  it('filters the audit log by actor and action, pages through it, and shows the chain status', async () => {
    // More than one page (25 rows) of history: support locks and unlocks taro a few times.
    for (let i = 0; i < 8; i++) {
      await harness['users.lock']({ username: 'taro', reason: `drill ${i}` });
      await harness['users.unlock']({ username: 'taro', reason: `drill ${i}` });
    }
    await page.getByTestId('tab-server').click();
    await expect.poll(() => page.getByTestId('audit-chain').getAttribute('data-ok')).toBe('true');
    await page.getByTestId('audit-filter-actor').fill('admin:suzuki');
    await page.getByTestId('audit-filter-action').fill('admin.lock');
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => page.getByTestId('audit-page-info').getAttribute('data-total')).toBe('1');
    // The date range: today (local) includes it, tomorrow does not.
    const day = (offset: number) => { const d = new Date(Date.now() + offset * 86_400_000); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; };
    await page.getByTestId('audit-filter-from').fill(day(1));
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => page.getByTestId('audit-page-info').getAttribute('data-total')).toBe('0');
    await page.getByTestId('audit-filter-from').fill(day(0));
    await page.getByTestId('audit-filter-to').fill(day(0));
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(() => page.getByTestId('audit-page-info').getAttribute('data-total')).toBe('1');
    expect(await page.getByTestId('audit').getByTestId('audit-row').getAttribute('data-action')).toBe('admin.lockAccount');
    expect(await page.getByTestId('audit').getByTestId('audit-target').textContent()).toBe('hanako');
    await page.getByTestId('audit-filter-actor').fill('');
    await page.getByTestId('audit-filter-action').fill('');
    await page.getByTestId('audit-filter-from').fill('');
    await page.getByTestId('audit-filter-to').fill('');
    await page.getByTestId('audit-filter-apply').click();
    await expect.poll(async () => Number(await page.getByTestId('audit-page-info').getAttribute('data-total'))).toBeGreaterThan(25);
    const firstPage = await page.getByTestId('audit').getByTestId('audit-row').first().textContent();
    await page.getByTestId('audit-next').click();
    await expect.poll(() => page.getByTestId('audit').getByTestId('audit-row').first().textContent()).not.toBe(firstPage);
    await page.getByTestId('audit').scrollIntoViewIfNeeded();
    await shot('9-audit-ja');
  });
});

describe('customer page without a phone', () => {
  it('times out with a clear message at the challenge expiry and re-enables 戻る', async () => {
    const plain = await browser.context.newPage();
    try {
      await plain.clock.install();
      await plain.goto(`${origin}/?slot=plain`);
      await plain.getByTestId('login-id').fill('taro');
      await plain.getByTestId('login-password').fill('password');
      await plain.getByTestId('login-submit').click();
      await plain.locator('[data-testid="screen-info"], [data-testid="screen-welcome"]').first().waitFor();
      if (await plain.getByTestId('screen-welcome').isVisible()) await plain.getByTestId('welcome-next').click();
      await plain.getByTestId('passkey-register').click();
      await plain.getByTestId('email-option-0').check();
      await plain.getByTestId('email-send').click();
      // The code screen shows once the server answered, i.e. once the mail exists (reading earlier raced it).
      await plain.getByTestId('screen-code').waitFor();
      await plain.getByTestId('code-input').fill(await latestMailedCode(harness, 'taro@example.jp'));
      await plain.getByTestId('code-submit').click();
      await plain.getByTestId('confirm-register').click();
      await plain.getByTestId('error-code').or(plain.getByTestId('device-prompt')).first().waitFor();
      // The busy notice shows at the click; the 5-minute timer is armed only after the options round trip.
      // Jumping before it exists would leave it 5 real minutes away, so jump until the timeout has shown.
      await expect
        .poll(async () => {
          await plain.clock.fastForward(5 * 60_000 + 1000);
          return plain.getByTestId('error-code').count();
        }, { timeout: 20_000 })
        .toBe(1);
      const code = await plain.getByTestId('error-code').textContent();
      expect(code).toBe('PROMPT_TIMEOUT');
      expect(await plain.getByTestId('error-message').textContent()).toContain('コンソールの仮想スマートフォン');
      expect(await plain.getByTestId('confirm-back').isEnabled()).toBe(true);
      await plain.screenshot({ path: join(SCREENSHOT_DIR, 'workspace-10-customer-timeout-ja.png') });
    } finally {
      await plain.close();
    }
  });
});

describe('customer page in a console phone frame that gives up', () => {
  it('at the challenge expiry the page cancels its request: the console prompt closes as timed out and the phone makes no passkey', async () => {
    // A browser of its own: the fake clock runs the console and its frames, and must not reach the other tests' pages.
    const own = await launchChromium({ viewport: VIEWPORT, locale: 'ja-JP' });
    try {
      await own.context.clock.install();
      const console = own.page;
      await harness['users.create']({ username: 'momiji', displayName: '木村 紅葉', emails: ['momiji@example.jp'] });
      // The same operator token: a new one would rotate the token the main console page holds.
      await console.goto(operatorUrl);
      await console.getByTestId('api-mode').waitFor();
      await setLocale('ja', console);
      await console.getByTestId('phone-add-name').fill('iphone-momiji');
      await console.getByTestId('phone-add').click();
      const phone = console.frameLocator('[data-testid="phone-frame-iphone-momiji"]');
      await logInOnPhone(phone, 'momiji');
      await phone.getByTestId('passkey-register').click();
      await phone.getByTestId('email-option-0').check();
      await phone.getByTestId('email-send').click();
      await phone.getByTestId('screen-code').waitFor();
      await phone.getByTestId('code-input').fill(await latestMailedCode(harness, 'momiji@example.jp'));
      await phone.getByTestId('code-submit').click();
      await phone.getByTestId('confirm-register').click();
      const prompt = console.getByTestId('device-prompt');
      await prompt.waitFor();
      // Nobody answers: jump past the challenge expiry until the page has given up (its timer exists once the prompt shows).
      await expect
        .poll(async () => {
          await own.context.clock.fastForward(5 * 60_000 + 1000);
          return phone.getByTestId('error-code').count();
        }, { timeout: 20_000 })
        .toBe(1);
      expect(await phone.getByTestId('error-code').textContent()).toBe('PROMPT_TIMEOUT');
      // The console's prompt for that ceremony went with it: nothing left to approve.
      await expect.poll(() => prompt.count()).toBe(0);
      const card = console.getByTestId('phone-iphone-momiji');
      const timeline = () => card.getByTestId('timeline-event').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-status')}`));
      await expect.poll(timeline).toEqual(expect.arrayContaining(['prompt:fail', 'response:fail']));
      expect(await timeline()).not.toContain('response:ok');
      expect(await card.locator('[data-testid="timeline-event"][data-kind="prompt"]').first().textContent()).toContain('タイムアウト');
      expect(await harness['phones.credentials']({ name: 'iphone-momiji' })).toEqual([]);
      expect(await card.getByTestId('phone-count').getAttribute('data-count')).toBe('0');
    } finally {
      await own.close();
    }
  });
});

describe('two phones asking at once', () => {
  it('one key answers only the prompt on top: Esc denies, Enter approves on the newer phone while the older one waits for its own answer', async () => {
    await page.bringToFront();
    await setLocale('ja');
    await page.getByTestId('tab-phones').click();
    for (const [username, displayName] of [['umeko', '松本 梅子'], ['kaede', '井上 楓']] as const) {
      await harness['users.create']({ username, displayName, emails: [`${username}@example.jp`] });
      await page.getByTestId('phone-add-name').fill(`iphone-${username}`);
      await page.getByTestId('phone-add').click();
      await logInOnPhone(phoneFrame(`iphone-${username}`), username);
      await toConfirm(phoneFrame(`iphone-${username}`), `${username}@example.jp`);
    }
    const prompts = page.getByTestId('device-prompt');
    await phoneFrame('iphone-umeko').getByTestId('confirm-register').click();
    await page.locator('[data-testid="device-prompt"][data-phone="iphone-umeko"]').waitFor();
    // umeko's prompt covers the page: kaede's page asks on its own, as a page in the phone's window would.
    await phoneFrame('iphone-kaede').getByTestId('confirm-register').dispatchEvent('click');
    await page.locator('[data-testid="device-prompt"][data-phone="iphone-kaede"]').waitFor();
    expect(await prompts.count()).toBe(2);
    // A key a prompt answered goes no further: nothing else on the page acts on it too.
    await page.evaluate("window.__keysPastPrompt = []; window.addEventListener('keydown', (e) => window.__keysPastPrompt.push(e.key))");
    await page.keyboard.press('Escape');
    await phoneFrame('iphone-kaede').getByTestId('error-code').waitFor();
    expect(await phoneFrame('iphone-kaede').getByTestId('error-code').textContent()).toBe('NOT_ALLOWED');
    // umeko's is still open, nothing was decided on it, and it is now the one keys answer.
    const openOn = () => prompts.evaluateAll((els) => els.map((e) => e.getAttribute('data-phone')));
    await expect.poll(openOn).toEqual(['iphone-umeko']);
    expect(await phoneFrame('iphone-umeko').getByTestId('error-code').count()).toBe(0);
    // kaede's page asks again, on top: Enter approves there only.
    await phoneFrame('iphone-kaede').getByTestId('confirm-register').dispatchEvent('click');
    await page.locator('[data-testid="device-prompt"][data-phone="iphone-kaede"]').waitFor();
    await page.keyboard.press('Enter');
    await phoneFrame('iphone-kaede').getByTestId('screen-done').waitFor();
    await expect.poll(openOn).toEqual(['iphone-umeko']);
    expect(await phoneFrame('iphone-umeko').getByTestId('error-code').count()).toBe(0);
    expect(await page.evaluate('window.__keysPastPrompt')).toEqual([]);
    // The prompt left open took the keyboard back: Enter answers it, wherever kaede's page put the focus.
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('prompt-approve');
    await page.keyboard.press('Enter');
    await phoneFrame('iphone-umeko').getByTestId('screen-done').waitFor();
    for (const name of ['iphone-umeko', 'iphone-kaede']) await expect.poll(() => phoneCard(name).getByTestId('phone-count').getAttribute('data-count')).toBe('1');
  });
});

// Last in the file: the phone and passkey it makes disturb no other test.
describe('support: the RP\'s timed lock', () => {
  it('shows the RP\'s own timed lock after five wrong passwords (一時ロック中, until when) and lets the operator lift it', async () => {
    await harness['users.create']({ username: 'jiro', displayName: '佐藤 次郎', emails: ['jiro@example.jp'], password: 'right-pass' });
    await harness['phones.create']({ name: 'jiro-phone' });
    for (let i = 0; i < 5; i++) await harness.enroll({ username: 'jiro', password: 'wrong-pass', phone: 'jiro-phone' }).catch(() => undefined);
    await page.bringToFront();
    await setLocale('ja');
    await page.getByTestId('tab-support').click();
    await page.getByTestId('support-search').fill('jiro');
    await page.getByTestId('support-search-button').click();
    await page.locator('[data-testid="support-open"][data-username="jiro"]').click();
    await page.locator('[data-testid="support-account"][data-username="jiro"]').waitFor();
    expect(await page.getByTestId('account-status').textContent()).toBe('一時ロック中');
    expect(await page.getByTestId('account-lock-reason').textContent()).toContain('パスワードの連続誤り 5 回');
    expect(await page.getByTestId('account-locked-until').getAttribute('title')).toMatch(/UTC/);
    await shot('11-support-throttled-ja');
    await page.getByTestId('account-unlock').click();
    await page.getByTestId('support-reason').fill('お客様ご本人と電話で確認');
    await page.getByTestId('support-confirm').click();
    await expect.poll(() => page.getByTestId('support-account').getAttribute('data-status')).toBe('active');
    await harness.enroll({ username: 'jiro', password: 'right-pass', phone: 'jiro-phone' });
  });
});

describe('support: one action at a time', () => {
  it('while an action on one customer runs, no other customer can be opened (選択 is disabled), and the result names that customer', async () => {
    await harness['users.create']({ username: 'kenta', displayName: '木村 健太', emails: ['kenta@example.jp'] });
    await page.getByTestId('tab-support').click();
    await page.getByTestId('support-search').fill('');
    await page.getByTestId('support-search-button').click();
    await page.locator('[data-testid="support-open"][data-username="kenta"]').click();
    await page.locator('[data-testid="support-account"][data-username="kenta"]').waitFor();
    const lock = await holdAnswer(page, '**/api/harness/users.lock');
    try {
      await page.getByTestId('account-lock').click();
      await page.getByTestId('support-reason').fill('確認のため一時ロック');
      await page.getByTestId('support-confirm').click();
      await lock.held;
      expect(await page.locator('[data-testid="support-open"][data-username="hanako"]').isDisabled()).toBe(true);
      await lock.release();
      expect(await page.getByTestId('support-done').textContent()).toContain('kenta');
      expect(await page.locator('[data-testid="support-open"][data-username="hanako"]').isEnabled()).toBe(true);
      expect(await page.getByTestId('support-account').getAttribute('data-username')).toBe('kenta');
    } finally {
      await lock.done();
    }
  });
});
