import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../core/harness/createHarness.js';
import { SCREENSHOT_DIR } from '../support/browser.js';
import { focusedTestId, startConsoleInBrowser, type ConsoleInBrowser } from '../support/consoleInBrowser.js';
import { latestMailedCode } from '../support/phoneFrameFlows.js';

/**
 * The ninth review's walk at 1280×800, in Japanese and English, against the real server: QA adds two
 * phones, registers a passkey through every screen (email step-up in Japanese, the OTP path in
 * English), denies one device prompt and logs in with the passkey; support then searches, reads a
 * passkey's history (paged), revokes one with reason and ticket, finds it in the Server tab's audit
 * log by credential ID, resets all passkeys, locks and unlocks. Each step asserts what must hold:
 * the next action in view and uncovered, confirmations in words, nothing past the window, focus.
 */
const VIEWPORT = { width: 1280, height: 800 };
let fixture: ConsoleInBrowser;
let harness: Harness;
let page: Page;
let otpSecret: string;
/** A passkey with more history rows than one page (20) holds. */
let busyPasskey: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `review9-${name}.png`), fullPage: false });
}

const frameOf = (phone: string): FrameLocator => page.frameLocator(`[data-testid="phone-frame-${phone}"]`);

/** The console is never wider than the window (no horizontal scrollbar at 1280). */
const consoleOverflow = () => page.locator('html').evaluate((el) => el.scrollWidth - el.ownerDocument.defaultView!.innerWidth);

/**
 * In the phone screen (the frame's window) at the top of the page: the element is within the
 * screen and a tap at its centre reaches it (no action bar or anything else drawn over it).
 */
function tappableAtTop(target: Locator): Promise<string> {
  return target.evaluate((el) => {
    const win = el.ownerDocument.defaultView!;
    win.scrollTo(0, 0);
    const r = el.getBoundingClientRect();
    const at = el.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const inside = r.top >= 0 && r.left >= 0 && r.bottom <= win.innerHeight && r.right <= win.innerWidth;
    return inside && !!at && el.contains(at) ? 'ok' : `${Math.round(r.top)}–${Math.round(r.bottom)} of ${win.innerHeight}${at && !el.contains(at) ? `, covered by ${at.className || at.tagName}` : ''}`;
  });
}

/** Where the page is now (not scrolled first): the element is fully on screen and not covered, at its top and bottom edge. */
function visibleNow(target: Locator): Promise<string> {
  return target.evaluate((el) => {
    const win = el.ownerDocument.defaultView!;
    const r = el.getBoundingClientRect();
    const hit = (y: number) => {
      const at = el.ownerDocument.elementFromPoint(r.left + r.width / 2, y);
      return !!at && el.contains(at);
    };
    if (r.top < 0 || r.bottom > win.innerHeight) return `${Math.round(r.top)}–${Math.round(r.bottom)} of ${win.innerHeight}`;
    return hit(r.top + 2) && hit(r.bottom - 2) ? 'ok' : 'covered';
  });
}

/** The phone screen neither scrolls sideways nor clips a word: the widest line fits. */
const phoneOverflow = (frame: FrameLocator) => frame.locator('html').evaluate((el) => el.scrollWidth - el.clientWidth);

/** How many lines a button's label takes: a primary action should read on one line. */
const labelLines = (target: Locator) =>
  target.evaluate((el) => {
    const range = el.ownerDocument.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  });

/** Each passkey row's History / Revoke button that is not wholly inside the account card and the window, or covered. */
const rowButtonsInside = () =>
  page.getByTestId('support-account').evaluate((card) => {
    const box = card.getBoundingClientRect();
    const win = card.ownerDocument.defaultView!;
    return [...card.querySelectorAll('[data-testid="passkey-row"] button')]
      .map((b) => {
        b.scrollIntoView({ block: 'center' });
        const r = b.getBoundingClientRect();
        const at = card.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return r.right <= Math.min(box.right, win.innerWidth) && !!at && b.contains(at) ? '' : `${b.getAttribute('data-testid')} ends at ${Math.round(r.right)} of ${Math.round(box.right)}`;
      })
      .filter(Boolean);
  });

const activeIsIframe = () => page.locator('html').evaluate((el) => el.ownerDocument.activeElement?.tagName === 'IFRAME');

async function toggleLanguage(frame: FrameLocator, lang: 'ja' | 'en'): Promise<void> {
  await frame.getByTestId('lang-toggle').click();
  await expect.poll(() => frame.locator('html').getAttribute('lang')).toBe(lang);
}

/** Every screen: the next action is tappable without scrolling, the page does not scroll sideways, its label is one line. */
async function checkScreen(phoneName: string, next: string, label: string, misses: string[]): Promise<void> {
  const frame = frameOf(phoneName);
  const where = await tappableAtTop(frame.getByTestId(next));
  if (where !== 'ok') misses.push(`${label}: ${next} ${where}`);
  const over = await phoneOverflow(frame);
  if (over > 0) misses.push(`${label}: phone scrolls ${over}px sideways`);
  const lines = await labelLines(frame.getByTestId(next));
  if (lines > 1) misses.push(`${label}: ${next} wraps onto ${lines} lines`);
  await page.getByTestId(`phone-frame-${phoneName}`).screenshot({ path: join(SCREENSHOT_DIR, `review9-phone-${label}.png`) });
}

async function approvePrompt(decision: 'approve' | 'deny'): Promise<void> {
  const prompt = page.getByTestId('device-prompt');
  await prompt.waitFor();
  expect(await focusedTestId(page)).toBe('prompt-approve');
  await page.keyboard.press(decision === 'approve' ? 'Enter' : 'Escape');
  await prompt.waitFor({ state: 'detached' });
}

beforeAll(async () => {
  fixture = await startConsoleInBrowser({
    prefix: 'pkh-review9-',
    viewport: VIEWPORT,
    seed: async (h) => {
      await h['users.create']({ username: 'mika', displayName: '田中 美香', emails: ['mika@example.jp', 'mika.work@example.jp'] });
      await h['users.create']({ username: 'otto', displayName: 'Otto Weber', emails: ['otto@example.test'] });
      otpSecret = (await h['otp.enroll']({ username: 'otto' })).secret;
      await h['users.create']({ username: 'ken', displayName: '佐藤 健', emails: ['ken@example.jp'] });
      await h['phones.create']({ name: 'ken-phone', profile: 'android-gpm' });
      busyPasskey = (await h['enroll']({ username: 'ken', phone: 'ken-phone' })).passkey.credentialId;
      for (let i = 0; i < 24; i++) await h['login']({ username: 'ken', phone: 'ken-phone' });
    },
  });
  ({ harness, page } = fixture);
  await fixture.open('suzuki', 'operator');
}, 120_000);

afterAll(async () => {
  await fixture?.close();
});

describe('QA: two phones, registration in both languages, a denied prompt, passkey login', () => {
  it('adds two phones; their untouched frames do not take the console’s focus or scroll it', async () => {
    for (const name of ['phone-ja', 'phone-en']) {
      await page.getByTestId('phone-add-name').fill(name);
      await page.getByTestId('phone-add').click();
      await frameOf(name).getByTestId('screen-login').waitFor();
    }
    expect(await activeIsIframe()).toBe(false);
    expect(await page.locator('html').evaluate((el) => el.ownerDocument.defaultView!.scrollY)).toBe(0);
    expect(await consoleOverflow()).toBeLessThanOrEqual(0);
    await shot('1-two-phones-ja');
  });

  it('日本語, email step-up: every screen’s next action in view; the denial in plain words, uncovered; 完了 names the passkey in Japanese', async () => {
    const phone = frameOf('phone-ja');
    const misses: string[] = [];
    await checkScreen('phone-ja', 'login-submit', 'ja-01-login', misses);
    await phone.getByTestId('login-id').fill('mika');
    await phone.getByTestId('login-password').fill('password');
    await phone.getByTestId('login-submit').click();
    await phone.getByTestId('screen-info').waitFor();
    await checkScreen('phone-ja', 'passkey-register', 'ja-02-info', misses);
    await phone.getByTestId('passkey-register').click();
    await phone.getByTestId('screen-email').waitFor();
    await phone.getByTestId('email-option-1').check();
    await checkScreen('phone-ja', 'email-send', 'ja-03-email', misses);
    await phone.getByTestId('email-send').click();
    await phone.getByTestId('screen-code').waitFor();
    // The address it went to, masked: the customer knows which one to open.
    expect(await phone.getByTestId('code-sent-to').textContent()).toMatch(/^m\*+@example\.jp$/);
    await checkScreen('phone-ja', 'code-submit', 'ja-04-code', misses);
    await phone.getByTestId('code-input').fill(await latestMailedCode(harness, 'mika.work@example.jp'));
    await phone.getByTestId('code-submit').click();
    await phone.getByTestId('screen-confirm').waitFor();
    await checkScreen('phone-ja', 'confirm-register', 'ja-05-confirm', misses);

    // Deny the biometric prompt: the message is in words, in view, and not under the action bar.
    await phone.getByTestId('confirm-register').click();
    await approvePrompt('deny');
    const error = phone.getByTestId('error');
    await error.waitFor();
    expect(await phone.getByTestId('error-code').textContent()).toBe('NOT_ALLOWED');
    expect(await phone.getByTestId('error-message').textContent()).toMatch(/キャンセル|拒否|許可/);
    expect(await visibleNow(error)).toBe('ok');
    expect(await visibleNow(phone.getByTestId('confirm-register'))).toBe('ok');
    await page.getByTestId('phone-frame-phone-ja').screenshot({ path: join(SCREENSHOT_DIR, 'review9-phone-ja-06-denied.png') });
    await phone.getByTestId('confirm-register').click();
    await approvePrompt('approve');
    await phone.getByTestId('screen-done').waitFor();
    await checkScreen('phone-ja', 'done-back', 'ja-07-done', misses);
    expect(await phone.getByTestId('done-passkey-name').textContent()).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    await phone.getByTestId('done-back').click();
    await phone.getByTestId('screen-info').waitFor();
    await phone.getByTestId('logout').click();
    await phone.getByTestId('screen-login').waitFor();
    await phone.getByTestId('goto-passkey-login').click();
    await phone.getByTestId('screen-passkey-login').waitFor();
    await checkScreen('phone-ja', 'passkey-login-submit', 'ja-08-passkey-login', misses);
    await phone.getByTestId('passkey-login-id').fill('mika');
    await phone.getByTestId('passkey-login-submit').click();
    await approvePrompt('approve');
    await phone.getByTestId('screen-welcome').waitFor();
    await checkScreen('phone-ja', 'welcome-next', 'ja-09-welcome', misses);
    expect(misses).toEqual([]);
  }, 120_000);

  it('English, the OTP path: the same walk reads and fits in English; the passkey gets an English name', async () => {
    const phone = frameOf('phone-en');
    await toggleLanguage(phone, 'en');
    await page.getByTestId('locale').selectOption('en');
    const misses: string[] = [];
    await checkScreen('phone-en', 'login-submit', 'en-01-login', misses);
    await phone.getByTestId('login-id').fill('otto');
    await phone.getByTestId('login-password').fill('wrong');
    await phone.getByTestId('login-submit').click();
    await phone.getByTestId('error').waitFor();
    expect(await visibleNow(phone.getByTestId('error'))).toBe('ok');
    expect(await phone.getByTestId('error-message').textContent()).not.toMatch(/[ぁ-んァ-ヶ一-龠]/);
    await checkScreen('phone-en', 'login-submit', 'en-02-login-failed', misses);
    await phone.getByTestId('login-password').fill('password');
    await phone.getByTestId('login-submit').click();
    await phone.getByTestId('screen-info').waitFor();
    await checkScreen('phone-en', 'passkey-register', 'en-03-info', misses);
    await phone.getByTestId('passkey-register').click();
    await phone.getByTestId('screen-code').waitFor();
    expect(await phone.getByTestId('screen-code').getAttribute('data-method')).toBe('totp');
    await checkScreen('phone-en', 'code-submit', 'en-04-totp', misses);
    await phone.getByTestId('code-input').fill('000000');
    await phone.getByTestId('code-submit').click();
    await phone.getByTestId('error').waitFor();
    expect(await visibleNow(phone.getByTestId('error'))).toBe('ok');
    // A one-time password has no per-code limit: the page says how many wrong codes remain before sign-in locks.
    expect(await phone.getByTestId('error-attempts-left').textContent()).toBe('9 more wrong codes lock sign-in for 15 minutes.');
    await checkScreen('phone-en', 'code-submit', 'en-05-totp-wrong', misses);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(otpSecret), digits: 6, period: 30 });
    // otp.enroll used the current step; the next one is inside the RP's ±1 window.
    await phone.getByTestId('code-input').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await phone.getByTestId('code-submit').click();
    await phone.getByTestId('screen-confirm').waitFor();
    await checkScreen('phone-en', 'confirm-register', 'en-06-confirm', misses);
    await phone.getByTestId('confirm-register').click();
    await shot('en-07-console-prompt');
    await approvePrompt('approve');
    await phone.getByTestId('screen-done').waitFor();
    await checkScreen('phone-en', 'done-back', 'en-08-done', misses);
    expect(await phone.getByTestId('done-passkey-name').textContent()).not.toMatch(/[ぁ-んァ-ヶ一-龠]/);
    await phone.getByTestId('done-back').click();
    await phone.getByTestId('logout').click();
    await phone.getByTestId('goto-passkey-login').click();
    await checkScreen('phone-en', 'passkey-login-submit', 'en-09-passkey-login', misses);
    await phone.getByTestId('passkey-login-submit').click();
    await approvePrompt('approve');
    await phone.getByTestId('screen-welcome').waitFor();
    await checkScreen('phone-en', 'welcome-next', 'en-10-welcome', misses);
    expect(await consoleOverflow()).toBeLessThanOrEqual(0);
    expect(misses).toEqual([]);
    await page.getByTestId('locale').selectOption('ja');
  }, 120_000);
});

describe('support: history, revoke, audit by credential ID, reset, lock / unlock', () => {
  const openAccount = async (name: string) => {
    await page.getByTestId('tab-support').click();
    await page.getByTestId('support-search').fill(name);
    await page.getByTestId('support-search-button').click();
    await page.locator(`[data-testid="support-open"][data-username="${name}"]`).click();
    // The card of the account opened before stays up until the new one loads: wait for this user's card.
    await page.locator(`[data-testid="support-account"][data-username="${name}"]`).waitFor();
  };

  it('reads a passkey’s history a page at a time, with where it is in the list', async () => {
    await openAccount('ken');
    const row = page.locator(`[data-testid="passkey-row"][data-credential-id="${busyPasskey}"]`);
    await row.getByTestId('passkey-history').click();
    const panel = page.getByTestId('passkey-history-panel');
    const count = panel.getByTestId('passkey-history-count');
    await count.waitFor();
    const total = Number(await count.getAttribute('data-total'));
    expect(total).toBeGreaterThan(20);
    expect(await count.textContent()).toContain(String(total));
    // A full page of 20, less the harness operations hidden by default (and counted).
    const hidden = Number(await panel.getByTestId('passkey-history-hidden').getAttribute('data-hidden'));
    expect((await panel.getByTestId('audit-row').count()) + hidden).toBe(20);
    expect(await panel.getByTestId('passkey-history-newer').isDisabled()).toBe(true);
    await shot('support-history-page1-ja');
    await panel.getByTestId('passkey-history-older').click();
    await expect.poll(() => count.textContent()).toContain(`21`);
    expect(await panel.getByTestId('passkey-history-newer').isDisabled()).toBe(false);
    expect(await visibleNow(count)).toBe('ok');
    await page.getByTestId('locale').selectOption('en');
    await shot('support-history-page2-en');
    expect(await consoleOverflow()).toBeLessThanOrEqual(0);
    await page.getByTestId('locale').selectOption('ja');
    await panel.getByTestId('passkey-history-close').click();
  });

  it('revokes one passkey with reason and ticket: the form says what happens, the result names it, the row shows it', async () => {
    await openAccount('mika');
    const row = page.getByTestId('passkey-row').first();
    const credentialId = (await row.getAttribute('data-credential-id'))!;
    const name = (await row.locator('td').first().textContent())!.trim();
    await row.getByTestId('passkey-revoke').click();
    const form = page.getByTestId('support-confirm-form');
    expect(await focusedTestId(page)).toBe('support-reason');
    expect(await page.getByTestId('support-consequence').textContent()).toContain(name);
    expect(await page.getByTestId('support-consequence').textContent()).toContain('元に戻せません');
    expect(await visibleNow(form)).toBe('ok');
    await page.getByTestId('support-reason').fill('端末紛失のお申し出');
    await page.getByTestId('support-ticket').fill('SUP-9001');
    await shot('support-revoke-form-ja');
    await page.getByTestId('support-confirm').click();
    const done = page.getByTestId('support-done');
    await done.waitFor();
    expect(await focusedTestId(page)).toBe('support-done');
    expect(await visibleNow(done)).toBe('ok');
    expect(await done.textContent()).toContain(name);
    expect(await done.textContent()).toContain('mika');
    expect(await done.textContent()).toContain('ログアウト');
    const revoked = page.locator(`[data-testid="passkey-row"][data-credential-id="${credentialId}"]`);
    expect(await revoked.getAttribute('data-revoked')).toBe('true');
    expect(await revoked.getByTestId('passkey-revoke-reason').textContent()).toBe('端末紛失のお申し出');
    expect(await revoked.getByTestId('passkey-revoke-ticket').textContent()).toBe('SUP-9001');
    await shot('support-revoked-ja');
    await page.getByTestId('locale').selectOption('en');
    expect(await done.textContent()).toContain(`Revoked the passkey “${name}” of mika`);
    expect(await consoleOverflow()).toBeLessThanOrEqual(0);
    expect(await rowButtonsInside()).toEqual([]);
    await shot('support-revoked-en');
    await page.getByTestId('locale').selectOption('ja');

    // The Server tab's audit log, filtered by that credential ID, has the revocation with reason and ticket.
    await page.getByTestId('tab-server').click();
    const audit = page.getByTestId('audit');
    await audit.getByTestId('audit-filter-credential').fill(credentialId);
    await audit.getByTestId('audit-filter-apply').click();
    // Applied, not only typed: the page counts exactly that passkey's rows (the unfiltered page 1 has the revocation too).
    const { total } = await harness['admin.auditSearch']({ credentialId, offset: 0, limit: 1 });
    await expect.poll(() => audit.getByTestId('audit-page-info').getAttribute('data-total')).toBe(String(total));
    const entry = audit.locator('[data-testid="audit-row"][data-action="admin.revokePasskey"]');
    await entry.waitFor();
    expect(await entry.getByTestId('audit-reason').textContent()).toContain('端末紛失のお申し出');
    expect(await entry.getByTestId('audit-ticket').textContent()).toContain('SUP-9001');
    await entry.scrollIntoViewIfNeeded();
    await shot('server-audit-by-credential-ja');
    await page.getByTestId('locale').selectOption('en');
    expect(await consoleOverflow()).toBeLessThanOrEqual(0);
    await shot('server-audit-by-credential-en');
    await page.getByTestId('locale').selectOption('ja');
  });

  it('resets all passkeys, locks and unlocks: each asks for a reason, says its consequence and confirms', async () => {
    await page.getByTestId('locale').selectOption('ja');
    await openAccount('ken');
    await page.getByTestId('support-reset').click();
    expect(await page.getByTestId('support-consequence').textContent()).toContain('元に戻せません');
    // A URL in the reason is one long word: the table must still fit (see below, in English).
    await page.getByTestId('support-reason').fill('お客様のご依頼 https://support.example.jp/tickets/SUP-9002/customer-requested-full-passkey-reset');
    // No ticket: refused beside the form, focus on the ticket field.
    await page.getByTestId('support-confirm').click();
    expect(await page.getByTestId('support-confirm-form').getByTestId('error-code').textContent()).toBe('REASON_REQUIRED');
    expect(await focusedTestId(page)).toBe('support-ticket');
    await page.getByTestId('support-ticket').fill('SUP-9002');
    await page.getByTestId('support-confirm').click();
    await page.getByTestId('support-done').waitFor();
    expect(await visibleNow(page.getByTestId('support-done'))).toBe('ok');
    expect(await page.getByTestId('support-reset').count()).toBe(0);
    expect(await page.getByTestId('support-done').textContent()).toContain('ken 様の有効なパスキー 1 件を失効しました');
    await shot('support-reset-ja');

    await page.getByTestId('locale').selectOption('en');
    await page.getByTestId('account-lock').click();
    expect(await page.getByTestId('support-consequence').textContent()).toContain('ken');
    await page.getByTestId('support-reason').fill('Suspicious logins');
    await page.getByTestId('support-confirm').click();
    await expect.poll(() => page.getByTestId('support-account').getAttribute('data-status')).toBe('locked');
    expect(await page.getByTestId('support-done').textContent()).toContain('locked');
    expect(await page.getByTestId('account-lock-reason').textContent()).toContain('Suspicious logins');
    await shot('support-locked-en');
    // The passkey row's 履歴 (History) stays inside the card and the window, even with a URL in the reason.
    expect(await rowButtonsInside()).toEqual([]);
    await page.getByTestId('account-unlock').click();
    await page.getByTestId('support-reason').fill('Customer verified by phone');
    await page.getByTestId('support-confirm').click();
    await expect.poll(() => page.getByTestId('support-account').getAttribute('data-status')).toBe('active');
    expect(await page.getByTestId('support-done').textContent()).toContain('unlocked');
    expect(await consoleOverflow()).toBeLessThanOrEqual(0);
    await shot('support-unlocked-en');
    await page.getByTestId('locale').selectOption('ja');
  });
});
