import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR } from '../support/browser.js';
import { focusedTestId, startConsoleInBrowser, type ConsoleInBrowser } from '../support/consoleInBrowser.js';

/**
 * A support agent (a viewer) at 1280×800 reading one passkey's history: copies its credential ID
 * (a visible confirmation, or a fallback that says the copy failed and selects the ID), opens the
 * Server tab's audit log already filtered to it, and reads only what the customer and staff did with
 * the console's own harness operations hidden (and counted).
 */
const VIEWPORT = { width: 1280, height: 800 };
let fixture: ConsoleInBrowser;
let page: Page;
/** hanako's passkey: registered, two logins, then revoked by support (each step driven by the harness). */
let lost: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `support-history-actions-${name}.png`), fullPage: false });
}

const inViewport = (target: Locator) =>
  target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= el.ownerDocument.defaultView!.innerHeight;
  });

/** The page's globals used here (this tsconfig has no DOM lib); only a type, so it is erased in `page.evaluate`. */
type Win = { navigator: { clipboard?: { readText(): Promise<string> } }; getSelection(): { toString(): string } | null };

const actionsIn = (table: Locator) => table.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')!));
const CUSTOMER_AND_STAFF = ['admin.revokePasskey', 'login.passkey', 'login.passkey', 'registration.finish'];

async function openHistory(): Promise<Locator> {
  await page.getByTestId('tab-support').click();
  await page.getByTestId('support-search').fill('hanako');
  await page.getByTestId('support-search-button').click();
  await page.getByTestId('support-open').click();
  await page.locator(`[data-testid="passkey-row"][data-credential-id="${lost}"]`).getByTestId('passkey-history').click();
  const panel = page.getByTestId('passkey-history-panel');
  await panel.getByTestId('passkey-history-count').waitFor();
  return panel;
}

beforeAll(async () => {
  fixture = await startConsoleInBrowser({
    prefix: 'pkh-history-actions-',
    viewport: VIEWPORT,
    seed: async (h) => {
      await h['users.create']({ username: 'hanako', displayName: '山田 花子', emails: ['hanako@example.jp'] });
      await h['phones.create']({ name: 'iphone-old', profile: 'iphone-icloud' });
      lost = (await h['enroll']({ username: 'hanako', phone: 'iphone-old' })).passkey.credentialId;
      await h['login']({ username: 'hanako', phone: 'iphone-old' });
      await h['login']({ username: 'hanako', phone: 'iphone-old' });
      await h['admin.revoke']({ credentialId: lost, reason: '端末紛失のお申し出', ticket: 'SUP-3001' });
    },
  });
  page = fixture.page;
  await fixture.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fixture.origin });
  await fixture.open('sato', 'viewer');
}, 120_000);

afterAll(async () => {
  await fixture?.close();
});

describe('the credential ID in a passkey’s history', () => {
  it('copies it with a visible confirmation (ja, en)', async () => {
    const panel = await openHistory();
    const status = panel.getByTestId('passkey-history-copy-status');
    await panel.getByTestId('passkey-history-copy').click();
    await expect.poll(() => status.getAttribute('data-state')).toBe('copied');
    expect(await status.textContent()).toContain('コピーしました');
    expect(await page.evaluate(() => (globalThis as unknown as Win).navigator.clipboard!.readText())).toBe(lost);
    await shot('copied-ja');
    await page.getByTestId('locale').selectOption('en');
    expect(await panel.getByTestId('passkey-history-copy').textContent()).toBe('Copy ID');
    expect(await status.textContent()).toContain('Copied');
    await page.getByTestId('locale').selectOption('ja');
  });

  it('says so where the clipboard is unavailable, and selects the ID for Ctrl+C', async () => {
    const panel = page.getByTestId('passkey-history-panel');
    await page.evaluate(() => Object.defineProperty((globalThis as unknown as Win).navigator, 'clipboard', { value: undefined, configurable: true }));
    try {
      await panel.getByTestId('passkey-history-copy').click();
      const status = panel.getByTestId('passkey-history-copy-status');
      await expect.poll(() => status.getAttribute('data-state')).toBe('failed');
      expect(await status.textContent()).toContain('コピーできませんでした');
      expect(await page.evaluate(() => (globalThis as unknown as Win).getSelection()?.toString())).toBe(lost);
      await shot('copy-failed-ja');
    } finally {
      await page.evaluate(() => delete (globalThis as unknown as Win).navigator.clipboard);
    }
  });
});

describe('監査ログで開く', () => {
  it('lands on the Server tab with the passkey filter filled and applied, the revocation row in view', async () => {
    const panel = page.getByTestId('passkey-history-panel');
    const historyTotal = await panel.getByTestId('passkey-history-count').getAttribute('data-total');
    expect(await panel.getByTestId('passkey-history-open-audit').textContent()).toBe('監査ログで開く');
    await panel.getByTestId('passkey-history-open-audit').click();

    await page.getByTestId('panel-server').waitFor();
    expect(await page.getByTestId('tab-server').getAttribute('aria-selected')).toBe('true');
    const audit = page.getByTestId('audit');
    expect(await audit.getByTestId('audit-filter-credential').inputValue()).toBe(lost);
    // Applied, not only filled: the page holds exactly the rows the history counted.
    await expect.poll(() => audit.getByTestId('audit-page-info').getAttribute('data-total')).toBe(historyTotal);
    expect((await actionsIn(audit.getByTestId('audit-table'))).filter((a) => !a.startsWith('harness.'))).toEqual(CUSTOMER_AND_STAFF);
    const revoked = audit.locator('[data-testid="audit-row"][data-action="admin.revokePasskey"]');
    expect(await revoked.getByTestId('audit-ticket').textContent()).toContain('SUP-3001');
    // Scrolled and focused after the chain check's round trip, which follows the rows: wait for the focus.
    await expect.poll(() => page.locator('#server-audit-title').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await inViewport(revoked)).toBe(true);
    await shot('open-audit-ja');

    await page.getByTestId('locale').selectOption('en');
    expect(await audit.getByTestId('audit-filter-credential').inputValue()).toBe(lost);
    await shot('open-audit-en');
    await page.getByTestId('locale').selectOption('ja');
  });
});

describe('ハーネス操作を隠す', () => {
  it('is on by default, hides exactly the harness rows and says how many; unticked, every row is back (ja, en)', async () => {
    const panel = await openHistory();
    const box = panel.getByTestId('passkey-history-hide-harness');
    const table = panel.getByTestId('passkey-history-table');
    expect(await box.isChecked()).toBe(true);
    const total = Number(await panel.getByTestId('passkey-history-count').getAttribute('data-total'));
    const kept = await actionsIn(table);
    expect(kept).toEqual(CUSTOMER_AND_STAFF);
    const hiddenNote = panel.getByTestId('passkey-history-hidden');
    const hidden = Number(await hiddenNote.getAttribute('data-hidden'));
    expect(hidden).toBeGreaterThan(0);
    expect(kept.length + hidden).toBe(total);
    expect(await hiddenNote.textContent()).toBe(`うち ${kept.length} 件を表示（ハーネス操作 ${hidden} 件を非表示）`);
    expect(await panel.getByLabel('ハーネス操作を隠す').getAttribute('data-testid')).toBe('passkey-history-hide-harness');
    await shot('hide-harness-ja');

    await page.getByTestId('locale').selectOption('en');
    expect(await hiddenNote.textContent()).toBe(`${kept.length} shown, ${hidden} harness operations hidden`);
    expect(await panel.getByLabel('Hide harness operations').getAttribute('data-testid')).toBe('passkey-history-hide-harness');
    await shot('hide-harness-en');
    await page.getByTestId('locale').selectOption('ja');

    await box.uncheck();
    await expect.poll(() => table.getByTestId('audit-row').count()).toBe(total);
    const all = await actionsIn(table);
    expect(all.filter((a) => a.startsWith('harness.'))).toHaveLength(hidden);
    expect(all.filter((a) => !a.startsWith('harness.'))).toEqual(kept);
    expect(await hiddenNote.count()).toBe(0);
    await shot('show-harness-ja');
    expect(await focusedTestId(page)).toBe('passkey-history-hide-harness');
  });
});
