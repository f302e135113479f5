// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../core/harness/startServer.js';
import { launchChromium, requireBuiltRenderer, type LaunchedBrowser } from '../support/browser.js';

/**
 * Issue 11 item 8: a script in a customer page shown in one of the console's phone frames must
 * not reach the console's token or its bridge. The console (as `pkh serve` starts it) frames the
 * customer pages from a second loopback port; a page inside the frame tries every way in and fails,
 * while the frame still works as a phone (a passkey registered through it, QA approving).
 */
let server: RunningServer;
let browser: LaunchedBrowser;
let page: Page;
let frame: Frame;

const TOKEN_KEY = 'passkey-harness.token';

/** The browser globals the page scripts below use (this project's tsconfig has no DOM library). */
interface PageGlobals {
  sessionStorage: { getItem(key: string): string | null };
  parent: PageGlobals & { document: { documentElement: { outerHTML: string } }; location: { href: string }; harness?: unknown; postMessage(message: unknown, targetOrigin: string): void };
  top: PageGlobals | null;
  fetch(url: string, init?: Record<string, unknown>): Promise<{ status: number; text(): Promise<string> }>;
}

beforeAll(async () => {
  requireBuiltRenderer('console');
  requireBuiltRenderer('customer');
  server = await startServer({ dbPath: ':memory:', actor: { name: 'cli:qa', role: 'operator' } });
  await server.harness['users.create']({ username: 'hanako', emails: ['hanako@example.jp'] });
  browser = await launchChromium({ viewport: { width: 1440, height: 1000 }, locale: 'ja-JP' });
  page = browser.page;
  await page.goto(server.operator.consoleUrl);
  await page.getByTestId('api-mode').waitFor();
  await page.getByTestId('tab-phones').click();
  await page.getByTestId('phone-add-name').fill('victim');
  await page.getByTestId('phone-add-profile').selectOption('iphone-icloud');
  await page.getByTestId('phone-add').click();
  await page.getByTestId('phone-frame-victim').waitFor();
  await page.frameLocator('[data-testid="phone-frame-victim"]').getByTestId('login-id').waitFor();
  frame = (await (await page.getByTestId('phone-frame-victim').elementHandle())!.contentFrame())!;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the console's phone frames are another origin (browser mode, as pkh serve starts it)", () => {
  it('the frame loads the customer pages from the frame origin, not the console origin', async () => {
    expect(server.phoneFrameUrl).toBeDefined();
    expect(new URL(frame.url()).origin).toBe(server.phoneFrameUrl);
    expect(new URL(frame.url()).origin).not.toBe(new URL(page.url()).origin);
    // The console holds its token (positive control: there is something to steal).
    expect(await page.evaluate((key) => (globalThis as unknown as PageGlobals).sessionStorage.getItem(key), TOKEN_KEY)).toBe(server.operator.token);
  });

  it("a script in the framed customer page cannot read the token, reach the console's window or bridge, or call the harness API", async () => {
    const loot = await frame.evaluate(
      async ({ key, consoleOrigin }) => {
        const window = globalThis as unknown as PageGlobals;
        const out: Record<string, unknown> = {};
        const attempt = (name: string, fn: () => unknown) => {
          try {
            out[name] = fn();
          } catch (error) {
            out[name] = `threw ${(error as Error).name}`;
          }
        };
        attempt('ownStorage', () => window.sessionStorage.getItem(key));
        attempt('parentStorage', () => window.parent.sessionStorage.getItem(key));
        attempt('topStorage', () => window.top!.sessionStorage.getItem(key));
        attempt('parentDocument', () => window.parent.document.documentElement.outerHTML.length);
        attempt('parentBridge', () => typeof window.parent.harness);
        attempt('parentLocation', () => window.parent.location.href);
        attempt('parentFetch', () => typeof window.parent.fetch);
        const fetchAttempt = async (name: string, url: string, init: Record<string, unknown>) => {
          try {
            const res = await window.fetch(url, init);
            out[name] = `${res.status} ${await res.text()}`;
          } catch (error) {
            out[name] = `threw ${(error as Error).name}`;
          }
        };
        const post = { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-harness-csrf': '1' }, body: '{}' };
        await fetchAttempt('ownHarnessApi', '/api/harness/users.list', post);
        await fetchAttempt('consoleHarnessApi', `${consoleOrigin}/api/harness/users.list`, post);
        await fetchAttempt('consolePage', `${consoleOrigin}/console/`, { credentials: 'include' });
        await fetchAttempt('ownConsolePage', '/console/', { credentials: 'include' });
        return out;
      },
      { key: TOKEN_KEY, consoleOrigin: new URL(page.url()).origin },
    );
    expect(loot.ownStorage).toBeNull();
    for (const key of ['parentStorage', 'topStorage', 'parentDocument', 'parentBridge', 'parentLocation', 'parentFetch']) expect(loot[key], key).toBe('threw SecurityError');
    expect(String(loot.ownHarnessApi)).toMatch(/^404 /);
    // CORS: the console origin grants nothing to the frame origin, so the browser refuses before reading.
    expect(loot.consoleHarnessApi).toBe('threw TypeError');
    expect(loot.consolePage).toBe('threw TypeError');
    expect(String(loot.ownConsolePage)).toMatch(/^404 /);
    expect(JSON.stringify(loot)).not.toContain(server.operator.token);
  });

  it('still works as a phone: a passkey registered through the frame, the console prompting', async () => {
    const phone = page.frameLocator('[data-testid="phone-frame-victim"]');
    await phone.getByTestId('login-id').fill('hanako');
    await phone.getByTestId('login-password').fill('password');
    await phone.getByTestId('login-submit').click();
    await phone.locator('[data-testid="screen-info"], [data-testid="screen-welcome"]').first().waitFor();
    if (await phone.getByTestId('screen-welcome').isVisible()) await phone.getByTestId('welcome-next').click();
    await phone.getByTestId('passkey-register').click();
    await phone.getByTestId('screen-email').waitFor();
    await phone.getByTestId('email-option-0').check();
    await phone.getByTestId('email-send').click();
    await phone.getByTestId('screen-code').waitFor();
    const [mail] = await server.harness['mailbox.list']({ to: 'hanako@example.jp', limit: 1 });
    await phone.getByTestId('code-input').fill(/\b(\d{6})\b/.exec(mail!.text)![1]!);
    await phone.getByTestId('code-submit').click();
    await phone.getByTestId('confirm-register').click();
    await page.getByTestId('device-prompt').waitFor();
    await page.getByTestId('prompt-approve').click();
    await phone.getByTestId('screen-done').waitFor();
    const [passkey] = await server.harness['admin.passkeys']({ username: 'hanako' });
    expect(passkey).toBeDefined();
    // The phone answered for the frame's origin, and the RP accepted it (same RP ID, another port).
    expect((await server.harness['phones.show']({ name: 'victim' })).credentials).toHaveLength(1);
  });

  it("a page cannot make the phone answer without QA: a forged ceremony message waits for the console's device prompt", async () => {
    await frame.evaluate((consoleOrigin) => {
      (globalThis as unknown as PageGlobals).parent.postMessage(
        { protocol: 'passkey-harness/phone-frame@1', kind: 'ceremony', id: 999, ceremony: 'get', decision: 'approve', options: { challenge: 'AAAAAAAAAAAAAAAAAAAAAA', rpId: 'localhost', userVerification: 'preferred' } },
        consoleOrigin,
      );
    }, new URL(page.url()).origin);
    await page.getByTestId('device-prompt').waitFor();
    await page.getByTestId('prompt-deny').click();
    await page.getByTestId('device-prompt').waitFor({ state: 'detached' });
  });
});
