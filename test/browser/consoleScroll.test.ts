import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleInBrowser, type ConsoleInBrowser } from '../support/consoleInBrowser.js';

/**
 * The console keeps its place while its phones load. Each phone frame's customer page moves focus
 * to its first screen's heading; from inside an iframe that focus also scrolls the console (the
 * parent) to the frame, so with 4 phones at 1280×800 the console used to jump to the last phone
 * about a second after it opened. A frame the user has not touched must neither scroll the console
 * nor take its focus; a frame the user works in still moves focus to each new screen's heading.
 */
const VIEWPORT = { width: 1280, height: 800 };
const PHONES = ['phone-1', 'phone-2', 'phone-3', 'phone-4'];
let fixture: ConsoleInBrowser;
let page: Page;

const phoneFrame = (name: string): FrameLocator => page.frameLocator(`[data-testid="phone-frame-${name}"]`);

/** The test id of the focused element inside a phone frame, or its tag name (BODY when nothing is focused). */
const focusedInFrame = (name: string) =>
  phoneFrame(name)
    .locator('body')
    .evaluate((body) => {
      const active = body.ownerDocument.activeElement;
      return active?.getAttribute('data-testid') || active?.id || active?.tagName || null;
    });

// (Typed by hand: test files are typechecked without the DOM library.)
interface ConsoleWindow {
  scrollY: number;
  requestAnimationFrame(callback: () => void): void;
  document: { activeElement: { tagName: string; getAttribute(name: string): string | null } | null };
}

/** The focused element of the console itself: its test id (a phone frame's is `phone-frame-<name>`), or its tag name. */
const focusedInConsole = () =>
  page.evaluate(() => {
    const active = (globalThis as unknown as ConsoleWindow).document.activeElement;
    return active?.getAttribute('data-testid') ?? active?.tagName ?? null;
  });

/** Two animation frames of the console: a scroll an iframe asked of its parent has been applied by then. */
const settle = () =>
  page.evaluate(() => {
    const win = globalThis as unknown as ConsoleWindow;
    return new Promise<void>((done) => win.requestAnimationFrame(() => win.requestAnimationFrame(done)));
  });

const scrollY = () => page.evaluate(() => (globalThis as unknown as ConsoleWindow).scrollY);

beforeAll(async () => {
  fixture = await startConsoleInBrowser({
    prefix: 'pkh-console-scroll-',
    viewport: VIEWPORT,
    seed: async (h) => {
      for (const name of PHONES) await h['phones.create']({ name, profile: 'iphone-icloud' });
    },
  });
  page = fixture.page;
  await fixture.open('suzuki', 'operator');
}, 120_000);

afterAll(async () => {
  await fixture?.close();
});

describe('the console with 4 phones at 1280×800', () => {
  it('stays at the top while every phone loads its login screen: no frame takes focus or scrolls the console', async () => {
    expect(await scrollY()).toBe(0);
    for (const name of PHONES) await phoneFrame(name).getByTestId('screen-login').waitFor();
    await settle();
    // Inside each frame: the login heading was not focused (that focus is what scrolled the console).
    for (const name of PHONES) expect(await focusedInFrame(name), name).toBe('BODY');
    expect(await focusedInConsole()).not.toMatch(/^phone-frame-/);
    expect(await scrollY()).toBe(0);
  });

  it('still moves focus to the new screen’s heading in the frame the user works in', async () => {
    const phone = phoneFrame('phone-2');
    await phone.getByTestId('goto-passkey-login').click();
    await phone.getByTestId('screen-passkey-login').waitFor();
    await expect.poll(() => focusedInFrame('phone-2')).toBe('pk-login-title');
    expect(await focusedInConsole()).toBe('phone-frame-phone-2');
    // The frames the user did not touch still have nothing focused.
    for (const name of ['phone-1', 'phone-3', 'phone-4']) expect(await focusedInFrame(name), name).toBe('BODY');
  });
});
