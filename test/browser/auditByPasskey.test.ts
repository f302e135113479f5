import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR } from '../support/browser.js';
import { startConsoleInBrowser, type ConsoleInBrowser } from '../support/consoleInBrowser.js';

/**
 * A support agent (a viewer) asked "what happened to this passkey?" at 1280×800: the passkey's own
 * history from its row in the support view (registered, logins, revoked, with who and why), and the
 * same filter by credential ID on the Server tab's audit log, where an unknown ID says so.
 */
const VIEWPORT = { width: 1280, height: 800 };
let fixture: ConsoleInBrowser;
let page: Page;
/** hanako's two passkeys: `lost` (two logins, then revoked by support) and `kept` (one login). */
let lost: string;
let kept: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `audit-by-passkey-${name}.png`), fullPage: false });
}

const inViewport = (target: Locator) =>
  target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= el.ownerDocument.defaultView!.innerHeight;
  });

const actionsIn = (table: Locator) => table.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));

beforeAll(async () => {
  fixture = await startConsoleInBrowser({
    prefix: 'pkh-audit-passkey-',
    viewport: VIEWPORT,
    seed: async (h) => {
      await h['users.create']({ username: 'hanako', displayName: '山田 花子', emails: ['hanako@example.jp'] });
      await h['phones.create']({ name: 'iphone-old', profile: 'iphone-icloud' });
      await h['phones.create']({ name: 'pixel-new', profile: 'android-gpm' });
      lost = (await h['enroll']({ username: 'hanako', phone: 'iphone-old' })).passkey.credentialId;
      kept = (await h['enroll']({ username: 'hanako', phone: 'pixel-new' })).passkey.credentialId;
      await h['login']({ username: 'hanako', phone: 'iphone-old' });
      await h['login']({ username: 'hanako', phone: 'pixel-new' });
      await h['login']({ username: 'hanako', phone: 'iphone-old' });
      await h['admin.revoke']({ credentialId: lost, reason: '端末紛失のお申し出', ticket: 'SUP-2001' });
    },
  });
  page = fixture.page;
  await fixture.open('sato', 'viewer');
}, 120_000);

afterAll(async () => {
  await fixture?.close();
});

describe('この パスキー の履歴 in the support view', () => {
  it('opens from the passkey’s row, in view, with exactly its registration, logins and revocation (who, what, why)', async () => {
    await page.getByTestId('tab-support').click();
    await page.getByTestId('support-search').fill('hanako');
    await page.getByTestId('support-search-button').click();
    await page.getByTestId('support-open').click();
    const row = page.locator(`[data-testid="passkey-row"][data-credential-id="${lost}"]`);
    await row.getByTestId('passkey-history').click();

    const panel = page.getByTestId('passkey-history-panel');
    await panel.getByTestId('passkey-history-count').waitFor();
    expect(await panel.getAttribute('data-credential-id')).toBe(lost);
    // Its heading has focus and is on screen: the agent need not hunt for what the button opened.
    expect(await panel.locator('#passkey-history-title').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await inViewport(panel.locator('#passkey-history-title'))).toBe(true);
    expect(await panel.locator('#passkey-history-title').textContent()).toBe('このパスキーの履歴');
    expect(await row.getByTestId('passkey-history').getAttribute('aria-pressed')).toBe('true');

    const table = panel.getByTestId('passkey-history-table');
    const actions = await actionsIn(table);
    expect(actions.filter((a) => !a!.startsWith('harness.'))).toEqual(['admin.revokePasskey', 'login.passkey', 'login.passkey', 'registration.finish']);
    // Harness operations are hidden by default, and counted: shown + hidden is the whole history.
    const hidden = Number(await panel.getByTestId('passkey-history-hidden').getAttribute('data-hidden'));
    expect(await panel.getByTestId('passkey-history-count').getAttribute('data-total')).toBe(String(actions.length + hidden));
    // The revocation says who and why in words, not in a blob.
    const revoked = table.locator('[data-testid="audit-row"][data-action="admin.revokePasskey"]');
    expect(await revoked.getByTestId('audit-action-label').textContent()).toBe('パスキー失効');
    expect(await revoked.getByTestId('audit-reason').textContent()).toContain('端末紛失のお申し出');
    expect(await revoked.getByTestId('audit-ticket').textContent()).toContain('SUP-2001');
    expect(await revoked.locator('td').nth(2).textContent()).toBe('admin:cli:qa');
    // Nothing of the other passkey (its login) leaks in.
    expect(await table.textContent()).not.toContain(kept);
    await shot('support-history-ja');
  });

  it('switches to the other passkey, and reads in English', async () => {
    await page.locator(`[data-testid="passkey-row"][data-credential-id="${kept}"]`).getByTestId('passkey-history').click();
    const panel = page.locator(`[data-testid="passkey-history-panel"][data-credential-id="${kept}"]`);
    await panel.waitFor();
    await panel.getByTestId('passkey-history-count').waitFor();
    expect((await actionsIn(panel.getByTestId('passkey-history-table'))).filter((a) => !a!.startsWith('harness.'))).toEqual(['login.passkey', 'registration.finish']);
    await page.getByTestId('locale').selectOption('en');
    expect(await panel.locator('#passkey-history-title').textContent()).toBe('History of this passkey');
    await shot('support-history-en');
    await page.getByTestId('locale').selectOption('ja');
    await panel.getByTestId('passkey-history-close').click();
    expect(await page.getByTestId('passkey-history-panel').count()).toBe(0);
  });
});

describe('the Server tab’s audit filter by passkey', () => {
  it('shows that passkey’s rows; an unknown credential ID says so instead of an empty history; a malformed one is named before sending', async () => {
    await page.getByTestId('tab-server').click();
    const audit = page.getByTestId('audit');
    await audit.getByTestId('audit-filter-credential').fill(kept);
    await audit.getByTestId('audit-filter-apply').click();
    await expect.poll(async () => (await actionsIn(audit.getByTestId('audit-table'))).filter((a) => !a!.startsWith('harness.'))).toEqual(['login.passkey', 'registration.finish']);

    await audit.getByTestId('audit-filter-credential').fill('AAAAAAAAAAAAAAAAAAAAAA');
    await audit.getByTestId('audit-filter-apply').click();
    await audit.getByTestId('audit-empty').waitFor();
    expect(await audit.getByTestId('audit-empty').textContent()).toContain('このクレデンシャルIDのパスキーはありません');
    expect(await audit.getByTestId('error-code').textContent()).toBe('PASSKEY_NOT_FOUND');
    expect(await audit.getByTestId('audit-row').count()).toBe(0);
    await shot('server-filter-unknown');

    await audit.getByTestId('audit-filter-credential').fill(`${kept}==`);
    await audit.getByTestId('audit-filter-credential-error').waitFor();
    expect(await audit.getByTestId('audit-filter-apply').isDisabled()).toBe(true);
    await audit.getByTestId('audit-filter-clear').click();
    expect(await audit.getByTestId('audit-filter-credential').inputValue()).toBe('');
    await expect.poll(() => audit.getByTestId('audit-row').count()).toBeGreaterThan(4);
  });
});
