import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from '../../core/harness/createHarness.js';
import { createHarnessMount } from '../../core/harness/createHarnessMount.js';
import { createHttpServer } from '../../core/http/index.js';
import { launchChromium, requireBuiltRenderer, SCREENSHOT_DIR, type LaunchedBrowser } from '../support/browser.js';
import { latestMailedCode, logInOnPhone } from '../support/phoneFrameFlows.js';

/**
 * Browser mode end to end: the built console in Chromium, over HTTP, against the real core
 * (harness + RP + store + software authenticator). Each simulated phone is an iframe of the
 * customer pages whose navigator.credentials is the console's shim; QA answers the STEP6
 * device prompt. Screenshots of each step go to test-results/screenshots/.
 */
type Harness = Awaited<ReturnType<typeof createHarness>>;

let dir: string;
let harness: Harness;
let server: { url: string; close(): Promise<void> };
let browser: LaunchedBrowser;
let page: Page;
let origin: string;
/** Console URLs as `pkh serve` prints them: the bearer token in the fragment. */
let operatorUrl: string;
let viewerUrl: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `console-${name}.png`), fullPage: false });
}

async function addPhone(name: string, profile: string): Promise<FrameLocator> {
  await page.getByTestId('tab-phones').click();
  await page.getByTestId('phone-add-name').fill(name);
  await page.getByTestId('phone-add-profile').selectOption(profile);
  await page.getByTestId('phone-add').click();
  await page.getByTestId(`phone-frame-${name}`).waitFor();
  return page.frameLocator(`[data-testid="phone-frame-${name}"]`);
}

/** 登録 → (メール認証 → 認証コード入力 | ワンタイムパスワード) → 確認 → 登録, up to the device prompt. */
async function startRegistration(phone: FrameLocator, { email, totpSecret, label }: { email?: string; totpSecret?: string; label: string }): Promise<void> {
  await phone.getByTestId('passkey-register').click();
  if (email) {
    await phone.getByTestId('screen-email').waitFor();
    await phone.getByTestId('email-option-0').check();
    await shot(`${label}-1-email`);
    await phone.getByTestId('email-send').click();
    await phone.getByTestId('screen-code').waitFor();
    await phone.getByTestId('code-input').fill(await latestMailedCode(harness, email));
  } else {
    await phone.getByTestId('screen-code').waitFor();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(totpSecret!), digits: 6, period: 30 });
    // otp.enroll confirmed the enrolment with the current step, which the RP now refuses as used; the next step is within its ±1 window.
    await phone.getByTestId('code-input').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  }
  await shot(`${label}-2-code`);
  await phone.getByTestId('code-submit').click();
  await phone.getByTestId('screen-confirm').waitFor();
  await shot(`${label}-3-confirm`);
  await phone.getByTestId('confirm-register').click();
  await page.getByTestId('device-prompt').waitFor();
  await shot(`${label}-4-device-prompt`);
}

beforeAll(async () => {
  const staticDir = requireBuiltRenderer('console');
  requireBuiltRenderer('customer');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'pkh-console-'));
  // The RP must know its origin before it exists: listen once to learn a free port, then reuse it.
  const probe = await createHttpServer({ rp: {} as never, staticDir: null }).listen({ port: 0, host: '127.0.0.1' });
  const port = probe.port;
  await probe.close();
  origin = `http://localhost:${port}`;
  harness = await createHarness({ dbPath: join(dir, 'harness.sqlite'), vaultPath: join(dir, 'vault.sqlite'), rpId: 'localhost', origin, actor: { name: 'cli:qa', role: 'operator' } });
  operatorUrl = `${origin}/console/#token=${harness.issueToken({ name: 'cli:qa', role: 'operator' })}`;
  viewerUrl = `${origin}/console/#token=${harness.issueToken({ name: 'cli:qa:viewer', role: 'viewer' })}`;
  const http = createHttpServer({
    rp: harness.rp as never,
    harness: createHarnessMount(harness),
    staticDir,
    origins: [origin],
  });
  server = await http.listen({ port, host: '127.0.0.1' });
  await harness['users.create']({ username: 'hanako', displayName: '山田 花子', emails: ['hanako@example.jp', 'hanako.work@example.jp'] });
  await harness['users.create']({ username: 'taro', displayName: '鈴木 太郎', emails: ['taro@example.jp'] });
  await harness['users.create']({ username: 'jiro', displayName: '佐藤 次郎', emails: ['jiro@example.jp'] });
  browser = await launchChromium({ viewport: { width: 1440, height: 1000 }, locale: 'ja-JP' });
  // Below the 30 s test timeout: an action that never completes fails naming its locator, not as a bare test timeout.
  browser.context.setDefaultTimeout(20_000);
  page = browser.page;
  await page.goto(operatorUrl);
  await page.getByTestId('api-mode').waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('console in browser mode (real core over HTTP)', () => {
  it('takes the token out of the address bar into sessionStorage, and knows the caller is an operator', async () => {
    expect(page.url()).toBe(`${origin}/console/`);
    await page.getByTestId('tab-support').click();
    await expect.poll(() => page.getByTestId('support-role').getAttribute('data-role')).toBe('operator');
    await page.getByTestId('tab-phones').click();
  });

  it('registers a passkey through a simulated iPhone with the email step-up, approving the device prompt', async () => {
    expect(await page.getByTestId('api-mode').textContent()).toContain('ブラウザモード');
    const phone = await addPhone('iphone-hanako', 'iphone-icloud');
    await shot('email-0-phone-added');
    await logInOnPhone(phone, 'hanako');
    await expect.poll(() => phone.getByTestId('passkey-status').textContent()).toContain('未登録');
    await startRegistration(phone, { email: 'hanako@example.jp', label: 'email' });
    expect(await page.getByTestId('prompt-method-face').isVisible()).toBe(true);
    await page.getByTestId('prompt-approve').click();
    await phone.getByTestId('screen-done').waitFor();
    await shot('email-5-done');
    await phone.getByTestId('done-back').click();
    await expect.poll(() => phone.getByTestId('passkey-status').textContent()).toContain('登録済');
    const passkeys = await harness['admin.passkeys']({ username: 'hanako' });
    expect(passkeys.filter((p) => !p.revokedAt)).toHaveLength(1);
    await page.getByTestId('phone-iphone-hanako').getByTestId('phone-credentials').click();
    await expect.poll(() => page.getByTestId('phone-iphone-hanako').getByTestId('phone-credential').count()).toBe(1);
  });

  it('registers a passkey through a simulated Android with the TOTP branch (no email screen)', async () => {
    const { secret } = await harness['otp.enroll']({ username: 'taro' });
    const phone = await addPhone('android-taro', 'android-gpm');
    await logInOnPhone(phone, 'taro');
    await startRegistration(phone, { totpSecret: secret, label: 'totp' });
    expect(await page.getByTestId('prompt-method-fingerprint').isVisible()).toBe(true);
    await page.getByTestId('prompt-approve').click();
    await phone.getByTestId('screen-done').waitFor();
    await shot('totp-5-done');
    await phone.getByTestId('done-back').click();
    await expect.poll(() => phone.getByTestId('passkey-status').textContent()).toContain('登録済');
  });

  it('a denied device prompt leaves the passkey 未登録', async () => {
    const phone = await addPhone('iphone-jiro', 'iphone-icloud');
    await logInOnPhone(phone, 'jiro');
    await startRegistration(phone, { email: 'jiro@example.jp', label: 'deny' });
    await page.getByTestId('prompt-deny').click();
    await phone.getByTestId('error').waitFor();
    await shot('deny-5-error');
    expect(await phone.getByTestId('error-code').textContent()).toContain('NOT_ALLOWED');
    await page.getByTestId('phone-iphone-jiro').getByTestId('phone-reload').click();
    await phone.getByTestId('screen-info').waitFor();
    await expect.poll(() => phone.getByTestId('passkey-status').textContent()).toContain('未登録');
    expect(await harness['admin.passkeys']({ username: 'jiro' })).toHaveLength(0);
  });

  it('logs in with the passkey from the phone that holds it', async () => {
    const phone = page.frameLocator('[data-testid="phone-frame-iphone-hanako"]');
    await phone.getByTestId('logout').click();
    await phone.getByTestId('screen-login').waitFor();
    await phone.getByTestId('goto-passkey-login').click();
    await phone.getByTestId('passkey-login-id').fill('hanako');
    await phone.getByTestId('passkey-login-submit').click();
    await page.getByTestId('device-prompt').waitFor();
    await shot('login-1-device-prompt');
    await page.getByTestId('prompt-approve').click();
    await phone.locator('[data-testid="screen-welcome"], [data-testid="screen-info"]').first().waitFor();
    await shot('login-2-signed-in');
    const [passkey] = await harness['admin.passkeys']({ username: 'hanako' });
    expect(passkey?.lastUsedAt).not.toBeNull();
  });

  it('support resets the passkeys (operator, reason + ticket) and the customer page shows 未登録 again', async () => {
    const openHanako = async (p: Page) => {
      await p.getByTestId('tab-support').click();
      await p.getByTestId('support-search').fill('hanako');
      await p.getByTestId('support-search-button').click();
      await p.locator('[data-testid="support-open"][data-username="hanako"]').click();
      await p.getByTestId('passkey-row').first().waitFor();
    };
    // The viewer's console (its own tab, viewer token): the server says viewer, so no destructive buttons.
    const viewerPage = await browser.context.newPage();
    try {
      await viewerPage.goto(viewerUrl);
      // Until the server says who this is, every console is a viewer's: wait for its answer, or nothing below is tested.
      await viewerPage.locator('[data-testid="api-mode"][data-caller-role="viewer"]').waitFor();
      await openHanako(viewerPage);
      await expect.poll(() => viewerPage.getByTestId('support-role').getAttribute('data-role')).toBe('viewer');
      expect(await viewerPage.getByTestId('support-reset').count()).toBe(0);
      expect(await viewerPage.getByTestId('passkey-revoke').count()).toBe(0);
      // Phones: the server refuses phones.create/import/rename/export/delete to viewers, so none of those buttons show.
      await viewerPage.getByTestId('tab-phones').click();
      await viewerPage.getByTestId('phone-credentials').first().waitFor();
      for (const id of ['phone-add', 'phone-import', 'phone-rename', 'phone-export', 'phone-delete']) expect(await viewerPage.getByTestId(id).count(), id).toBe(0);
      await viewerPage.screenshot({ path: join(SCREENSHOT_DIR, 'console-support-1-viewer.png') });
      // Even a hand-made call with the viewer's token is refused by the server.
      const refused = await viewerPage.evaluate(async (token) => {
        const r = await fetch('/api/harness/admin.reset', { method: 'POST', headers: { 'content-type': 'application/json', 'x-harness-csrf': '1', authorization: `Bearer ${token}` }, body: JSON.stringify({ username: 'hanako', reason: 'x', ticket: 'y' }) });
        return r.status;
      }, new URL(viewerUrl).hash.replace('#token=', ''));
      expect(refused).toBe(403);
    } finally {
      await viewerPage.close();
    }
    // The operator's console.
    await openHanako(page);
    await expect.poll(() => page.getByTestId('support-role').getAttribute('data-role')).toBe('operator');
    await page.getByTestId('support-reset').click();
    await page.getByTestId('support-reason').fill('端末紛失の申告');
    await page.getByTestId('support-ticket').fill('SUP-1042');
    await shot('support-2-reset-form');
    await page.getByTestId('support-confirm').click();
    await page.getByTestId('support-done').waitFor();
    await shot('support-3-done');
    expect((await harness['admin.passkeys']({ username: 'hanako' })).every((p) => p.revokedAt !== null)).toBe(true);
    const audit = await harness['admin.audit']({ username: 'hanako' });
    expect(audit.find((entry) => entry.action === 'admin.resetPasskeys' && entry.outcome === 'success')?.actor).toBe('admin:cli:qa');

    await page.getByTestId('tab-phones').click();
    const phone = page.frameLocator('[data-testid="phone-frame-iphone-hanako"]');
    await page.getByTestId('phone-iphone-hanako').getByTestId('phone-reload').click();
    // The screen before the reload may still be up when the first check runs, and the reload may land in
    // the middle of a login typed into the old page (which then waits forever for a screen that never
    // comes): each attempt is bounded and starts again from whatever the page shows, until the
    // passkey row reads 未登録.
    await expect
      .poll(
        async () => {
          try {
            if (await phone.getByTestId('screen-login').isVisible()) await logInOnPhone(phone, 'hanako', { timeout: 5_000 });
            if (await phone.getByTestId('screen-welcome').isVisible()) await phone.getByTestId('welcome-next').click({ timeout: 2_000 });
          } catch {
            // Interrupted by the reload: the next attempt sees the new page.
          }
          return (await phone.getByTestId('passkey-status').textContent({ timeout: 1_000 }).catch(() => null)) ?? '';
        },
        { timeout: 20_000, interval: 200 },
      )
      .toContain('未登録');
    await shot('support-4-customer-unregistered');
  });

  it('shows the server side: accounts, mailbox, audit chain and an inspected ceremony', async () => {
    await page.getByTestId('tab-server').click();
    await page.getByTestId('account-row').first().waitFor();
    await expect.poll(() => page.getByTestId('audit-chain').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('mail').count()).toBeGreaterThan(0);
    await page.getByTestId('inspector-use-last').click();
    await page.getByTestId('inspection').waitFor();
    for (const step of ['type', 'origin', 'rpIdHash', 'up']) {
      expect(await page.getByTestId(`inspect-step-${step}`).getAttribute('data-status')).toBe('pass');
    }
    await shot('server-1-inspector');
  });

  it('validates and runs the sample scenario with per-step results', async () => {
    await page.getByTestId('tab-scenarios').click();
    await page.getByTestId('scenario-validate').click();
    await page.getByTestId('scenario-validation').waitFor();
    expect(await page.getByTestId('scenario-validation').textContent()).toContain('有効');
    // Twice, so the first run's steps can show while the second is still going (scenarios.progress).
    await page.getByTestId('scenario-repeat').fill('2');
    // Watch the DOM from before the click: did step rows appear while the run was still going (no report yet)?
    // (A string: this test file is typechecked without the DOM library.)
    await page.evaluate(`(() => {
      const seen = (window.__scenarioSeen = { liveSteps: 0, progressTotal: '' });
      new MutationObserver(() => {
        const steps = document.querySelectorAll('[data-testid="scenario-step"]').length;
        const progress = document.querySelector('[data-testid="scenario-progress"]');
        if (progress) seen.progressTotal = progress.getAttribute('data-total') ?? '';
        if (!document.querySelector('[data-testid="scenario-report"]')) seen.liveSteps = Math.max(seen.liveSteps, steps);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    await page.getByTestId('scenario-run').click();
    await page.getByTestId('scenario-report').waitFor({ timeout: 60_000 });
    const seen = (await page.evaluate('window.__scenarioSeen')) as { liveSteps: number; progressTotal: string };
    expect(seen.progressTotal).toBe('2');
    expect(seen.liveSteps).toBeGreaterThanOrEqual(4);
    const statuses = await page.getByTestId('scenario-step').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThanOrEqual(8);
    expect(statuses.every((status) => status === 'passed')).toBe(true);
    expect(await page.locator('[data-testid="scenario-result"][data-status="passed"]').count()).toBe(2);
    await shot('scenarios-1-report');
  }, 90_000);

  it('opens a failed step\'s ceremony in the inspector beside the result (the refused origin shows as the failing check)', async () => {
    await page.getByTestId('scenario-repeat').fill('1');
    await page.getByTestId('scenario-text').fill(`name: A phone on the wrong origin
steps:
  - do: createUser
    user: eve
  - do: createPhone
    phone: p
  - do: enroll
    user: eve
    phone: p
  - do: injectFault
    phone: p
    fault: wrongOrigin
  - name: log in (fails)
    do: loginWithPasskey
    user: eve
    phone: p
`);
    await page.getByTestId('scenario-run').click();
    await page.getByTestId('scenario-report').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('[data-testid="scenario-result"]').getAttribute('data-status')).toBe('failed');
    // Only the failed ceremony step offers it.
    expect(await page.getByTestId('scenario-step-inspect').count()).toBe(1);
    await page.getByTestId('scenario-step-inspect').click();
    const inspector = page.getByTestId('scenario-inspector');
    await inspector.waitFor();
    expect(await inspector.getByTestId('inspector-record').getAttribute('data-ceremony')).toBe('get');
    expect(await inspector.getByTestId('inspect-step-origin').getAttribute('data-status')).toBe('fail');
    expect(await inspector.getByTestId('inspect-step-origin').textContent()).toContain('https://evil.example');
    expect(await inspector.getByTestId('inspect-step-challenge').getAttribute('data-status')).toBe('pass');
    await shot('scenarios-2-failed-step-inspector');
    // A new run closes it: its rows reuse the keys, and the old step must not linger under them.
    await page.getByTestId('scenario-run').click();
    await expect.poll(() => page.getByTestId('scenario-inspector').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="scenario-result"]').getAttribute('data-status')).toBe('failed');
    await page.getByTestId('scenario-report').waitFor({ timeout: 60_000 });
  }, 90_000);
});
