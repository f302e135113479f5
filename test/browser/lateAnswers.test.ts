import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleInBrowser, type ConsoleInBrowser } from '../support/consoleInBrowser.js';
import { holdAnswer } from '../support/holdAnswer.js';

/**
 * An answer that arrives after the operator moved on (another passkey's history, another account, a
 * cleared filter) must not fill the screen that now shows something else. Each test holds one answer
 * (fetched from the real server, delivered late) with page.route, and releases it after the newer one.
 */
let fixture: ConsoleInBrowser;
let page: Page;
let lost: string;
let kept: string;

beforeAll(async () => {
  fixture = await startConsoleInBrowser({
    prefix: 'pkh-late-',
    viewport: { width: 1280, height: 800 },
    seed: async (h) => {
      await h['users.create']({ username: 'hanako', displayName: '山田 花子', emails: ['hanako@example.jp'] });
      await h['users.create']({ username: 'taro', displayName: '鈴木 太郎', emails: ['taro@example.jp'] });
      await h['phones.create']({ name: 'iphone', profile: 'iphone-icloud' });
      await h['phones.create']({ name: 'pixel', profile: 'android-gpm' });
      lost = (await h['enroll']({ username: 'hanako', phone: 'iphone' })).passkey.credentialId;
      kept = (await h['enroll']({ username: 'hanako', phone: 'pixel' })).passkey.credentialId;
      await h['login']({ username: 'hanako', phone: 'iphone' });
    },
  });
  page = fixture.page;
  await fixture.open('suzuki', 'operator');
}, 120_000);

afterAll(async () => {
  await fixture?.close();
});

describe('late answers', () => {
  it('履歴 on one passkey then another: the first one’s slower answer does not fill the second one’s panel', async () => {
    await page.getByTestId('tab-support').click();
    await page.getByTestId('support-search').fill('hanako');
    await page.getByTestId('support-search-button').click();
    await page.locator('[data-testid="support-open"][data-username="hanako"]').click();
    await page.locator('[data-testid="support-account"][data-username="hanako"]').waitFor();
    const hold = await holdAnswer(page, '**/api/harness/admin.auditSearch', { matches: (body) => body.includes(lost), answeredFirst: true });
    try {
      await page.locator(`[data-testid="passkey-row"][data-credential-id="${lost}"]`).getByTestId('passkey-history').click();
      await hold.held;
      await page.locator(`[data-testid="passkey-row"][data-credential-id="${kept}"]`).getByTestId('passkey-history').click();
      const panel = page.locator(`[data-testid="passkey-history-panel"][data-credential-id="${kept}"]`);
      await panel.getByTestId('passkey-history-count').waitFor();
      await hold.release();
      await expect.poll(() => panel.getAttribute('aria-busy')).toBe('false');
      // kept has its registration and no login; lost's rows (two, with its login) would say otherwise.
      const actions = await panel.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
      expect(actions.filter((a) => !a!.startsWith('harness.'))).toEqual(['registration.finish']);
      expect(await panel.textContent()).not.toContain(lost);
    } finally {
      await hold.done();
    }
    await page.getByTestId('passkey-history-close').click();
  });

  it('Server tab: of two accounts opened in quick succession, the last one picked shows', async () => {
    await page.getByTestId('tab-server').click();
    await page.locator('[data-testid="account-row"][data-username="taro"]').waitFor();
    const hold = await holdAnswer(page, '**/api/harness/users.show', { matches: (body) => body.includes('"hanako"'), answeredFirst: true });
    try {
      await page.locator('[data-testid="account-row"][data-username="hanako"]').getByTestId('account-open').click();
      await hold.held;
      await page.locator('[data-testid="account-row"][data-username="taro"]').getByTestId('account-open').click();
      await page.locator('[data-testid="account-detail"][data-username="taro"]').waitFor();
      await hold.release();
      await expect.poll(() => page.getByTestId('accounts').getAttribute('aria-busy')).toBe('false');
      expect(await page.getByTestId('account-detail').getAttribute('data-username')).toBe('taro');
    } finally {
      await hold.done();
    }
  });

  it('the audit filter cannot be cleared while a filtered search runs, and the page shows what the form says', async () => {
    const audit = page.getByTestId('audit');
    const hold = await holdAnswer(page, '**/api/harness/admin.auditSearch', { matches: (body) => body.includes(kept), answeredFirst: true });
    try {
      await audit.getByTestId('audit-filter-credential').fill(kept);
      await audit.getByTestId('audit-filter-apply').click();
      await hold.held;
      expect(await audit.getByTestId('audit-filter-clear').isDisabled()).toBe(true);
      await hold.release();
      await expect.poll(() => audit.getByTestId('audit-filter-clear').isEnabled()).toBe(true);
      const filtered = (await fixture.harness['admin.auditSearch']({ credentialId: kept, offset: 0, limit: 1 })).total;
      expect(await audit.getByTestId('audit-page-info').getAttribute('data-total')).toBe(String(filtered));
    } finally {
      await hold.done();
    }
  });
});
