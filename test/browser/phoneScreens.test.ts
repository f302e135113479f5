import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../core/harness/createHarness.js';
import { SCREENSHOT_DIR } from '../support/browser.js';
import { startConsoleInBrowser, type ConsoleInBrowser } from '../support/consoleInBrowser.js';
import { latestMailedCode } from '../support/phoneFrameFlows.js';

/**
 * The customer's phone screens at 1280×800, in a console phone frame and as the customer page
 * opened alone, in Japanese and English: the screen's next action is in view without scrolling
 * (パスキー登録 -確認- follows the seed's long explanation, so its 登録 sits in a sticky action
 * bar), and nothing the customer should read hides behind that bar.
 */
const VIEWPORT = { width: 1280, height: 800 };
const PHONE = 'qa-phone';
let fixture: ConsoleInBrowser;
let harness: Harness;
let page: Page;
/** The customer page opened alone (no console), Chromium's virtual authenticator as the device. */
let alone: Page;

interface Phone {
  name: 'frame' | 'alone';
  frame: Frame;
  /** Brings its tab to the front: Chromium throttles animation frames in a background tab, and Playwright waits on them. */
  front(): Promise<void>;
  shot(name: string): Promise<void>;
  /** Presses `button`, and answers the device prompt (STEP6) it raises; `whilePrompting` runs while the prompt is up. */
  prompt(button: string, decision: 'approve' | 'deny', whilePrompting?: () => Promise<void>): Promise<void>;
}

interface Fold {
  top: number;
  bottom: number;
  left: number;
  right: number;
  width: number;
  height: number;
  /** The element itself (or a descendant) is what a tap at its centre hits. */
  hit: boolean;
}

/** Where the element lies in its own window (the phone screen, for a frame), at the top of the page as a screen opens. */
async function foldOf(frame: Frame, testId: string): Promise<Fold> {
  return frame.getByTestId(testId).evaluate((el) => {
    const win = el.ownerDocument.defaultView!;
    win.scrollTo(0, 0);
    const r = el.getBoundingClientRect();
    const at = el.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: win.innerWidth, height: win.innerHeight, hit: !!at && el.contains(at) };
  });
}

const inView = (f: Fold) => f.top >= 0 && f.left >= 0 && f.bottom <= f.height && f.right <= f.width && f.hit;

/**
 * Scrolls the element into view as `block` asks and reports whether a tap at its centre, and
 * just inside its bottom edge, reaches it (not an action bar drawn over it).
 */
function uncoveredAfterScroll(frame: Frame, testId: string, block: 'start' | 'nearest' | 'end'): Promise<{ centre: boolean; bottom: boolean }> {
  return frame.getByTestId(testId).evaluate((el, b) => {
    el.ownerDocument.defaultView!.scrollTo(0, 0);
    el.scrollIntoView({ block: b });
    const r = el.getBoundingClientRect();
    const hits = (y: number) => {
      const at = el.ownerDocument.elementFromPoint(r.left + r.width / 2, y);
      return !!at && el.contains(at);
    };
    return { centre: hits(r.top + r.height / 2), bottom: hits(r.bottom - 2) };
  }, block);
}

async function toggleLanguage(frame: Frame, expected: 'ja' | 'en'): Promise<void> {
  await frame.getByTestId('lang-toggle').click();
  await expect.poll(() => frame.locator('html').getAttribute('lang')).toBe(expected);
}

/** Runs `check` on the current screen in Japanese, then in English, and leaves the page in Japanese. */
async function inBothLanguages(phone: Phone, label: string, check: (lang: 'ja' | 'en') => Promise<void>): Promise<void> {
  await phone.shot(`${label}-ja`);
  await check('ja');
  await toggleLanguage(phone.frame, 'en');
  await phone.shot(`${label}-en`);
  await check('en');
  await toggleLanguage(phone.frame, 'ja');
}

async function logIn(frame: Frame, username: string): Promise<void> {
  await frame.getByTestId('screen-login').waitFor();
  await frame.getByTestId('login-id').fill(username);
  await frame.getByTestId('login-password').fill('password');
  await frame.getByTestId('login-submit').click();
  await frame.getByTestId('screen-info').waitFor();
}

/** 登録 → メール認証 → 認証コード入力 → パスキー登録 -確認-. */
async function toConfirm(frame: Frame, email: string): Promise<void> {
  await frame.getByTestId('passkey-register').click();
  await frame.getByTestId('screen-email').waitFor();
  await frame.getByTestId('email-send').click();
  await frame.getByTestId('screen-code').waitFor();
  await frame.getByTestId('code-input').fill(await latestMailedCode(harness, email));
  await frame.getByTestId('code-submit').click();
  await frame.getByTestId('screen-confirm').waitFor();
}

async function logOut(frame: Frame): Promise<void> {
  await frame.getByTestId('logout').click();
  await frame.getByTestId('screen-login').waitFor();
}

let framePhone: Phone;
let alonePhone: Phone;

beforeAll(async () => {
  fixture = await startConsoleInBrowser({
    prefix: 'pkh-phone-screens-',
    viewport: VIEWPORT,
    seed: async (h) => {
      for (const who of ['frame', 'alone']) {
        await h['users.create']({ username: `confirm-${who}`, displayName: '確認 一郎', emails: [`confirm-${who}@example.jp`] });
        await h['users.create']({ username: `walk-${who}`, displayName: '歩行 花子', emails: [`walk-${who}@example.jp`, `walk-${who}.work@example.jp`] });
      }
      await h['phones.create']({ name: PHONE, profile: 'iphone-icloud' });
    },
  });
  ({ harness, page } = fixture);
  await fixture.open('qa', 'operator');
  const handle = await page.getByTestId(`phone-frame-${PHONE}`).elementHandle();
  const frame = await handle!.contentFrame();
  framePhone = {
    name: 'frame',
    frame: frame!,
    front: () => page.bringToFront(),
    shot: async (name) => {
      await page.getByTestId(`phone-frame-${PHONE}`).screenshot({ path: join(SCREENSHOT_DIR, `phone-frame-${name}.png`) });
    },
    prompt: async (button, decision, whilePrompting) => {
      await frame!.getByTestId(button).click();
      await page.getByTestId('device-prompt').waitFor();
      await whilePrompting?.();
      await page.getByTestId(`prompt-${decision}`).click();
    },
  };

  alone = await fixture.browser.context.newPage();
  const cdp = await fixture.browser.context.newCDPSession(alone);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await alone.goto(`${fixture.origin}/?slot=alone&lang=ja`);
  let refuseNext = false;
  // The virtual authenticator always agrees; a refusal is the page's create() rejecting as a denied prompt does.
  await alone.exposeFunction('pkhRefuseNext', () => {
    const refuse = refuseNext;
    refuseNext = false;
    return refuse;
  });
  // (A string: test files are typechecked without the DOM library.)
  await alone.evaluate(`{
    const create = navigator.credentials.create.bind(navigator.credentials);
    navigator.credentials.create = async (options) => {
      if (await window.pkhRefuseNext()) throw new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError');
      return create(options);
    };
  }`);
  alonePhone = {
    name: 'alone',
    frame: alone.mainFrame(),
    front: () => alone.bringToFront(),
    shot: async (name) => {
      await alone.screenshot({ path: join(SCREENSHOT_DIR, `phone-alone-${name}.png`), fullPage: false });
    },
    prompt: async (button, decision) => {
      refuseNext = decision === 'deny';
      await alone.getByTestId(button).click();
    },
  };
}, 120_000);

afterAll(async () => {
  await fixture?.close();
});

describe('パスキー登録 -確認- at 1280×800', () => {
  for (const which of ['frame', 'alone'] as const) {
    const where = which === 'frame' ? 'in a console phone frame' : 'on the customer page opened alone';
    it(`${where}: 登録 is in view without scrolling and the explanation's last paragraph scrolls fully into view above it, in Japanese and English`, async () => {
      const phone = which === 'frame' ? framePhone : alonePhone;
      await phone.front();
      await logIn(phone.frame, `confirm-${which}`);
      await toConfirm(phone.frame, `confirm-${which}@example.jp`);
      await inBothLanguages(phone, 'confirm', async (lang) => {
        const register = await foldOf(phone.frame, 'confirm-register');
        expect(inView(register), `${lang}: 登録 at ${register.top}–${register.bottom} of ${register.height}`).toBe(true);
        for (const block of ['start', 'nearest', 'end'] as const) {
          expect(await uncoveredAfterScroll(phone.frame, 'confirm-last-paragraph', block), `${lang}, scrollIntoView block ${block}`).toEqual({ centre: true, bottom: true });
        }
      });
      await phone.frame.getByTestId('confirm-back').click();
      await phone.frame.getByTestId('screen-info').waitFor();
      await logOut(phone.frame);
    });
  }
});

describe('every screen of registration and login at 1280×800: the next action in view', () => {
  for (const which of ['frame', 'alone'] as const) {
    it(`${which === 'frame' ? 'console phone frame' : 'customer page alone'}: ログイン → 登録 → 完了 → パスキーでログイン, with the failures on the way`, async () => {
      const phone = which === 'frame' ? framePhone : alonePhone;
      const { frame } = phone;
      await phone.front();
      const user = `walk-${which}`;
      const misses: string[] = [];
      const primary = async (screen: string, testId: string) =>
        inBothLanguages(phone, screen, async (lang) => {
          const fold = await foldOf(frame, testId);
          if (!inView(fold)) misses.push(`${screen} (${lang}): ${testId} at ${Math.round(fold.top)}–${Math.round(fold.bottom)} of ${fold.height}${fold.hit || fold.bottom > fold.height ? '' : ', covered'}`);
        });

      await frame.locator('[data-testid="screen-login"], [data-testid="logout"]').first().waitFor();
      if (await frame.getByTestId('logout').isVisible()) await logOut(frame);
      await primary('01-login', 'login-submit');
      await frame.getByTestId('login-id').fill(user);
      await frame.getByTestId('login-password').fill('wrong-password');
      await frame.getByTestId('login-submit').click();
      await frame.getByTestId('error').waitFor();
      await primary('02-login-failed', 'login-submit');
      await frame.getByTestId('login-password').fill('password');
      await frame.getByTestId('login-submit').click();
      await frame.getByTestId('screen-info').waitFor();
      await primary('03-info', 'passkey-register');

      await frame.getByTestId('passkey-register').click();
      await frame.getByTestId('screen-email').waitFor();
      await primary('04-email', 'email-send');
      await frame.getByTestId('email-send').click();
      await frame.getByTestId('screen-code').waitFor();
      await primary('05-code', 'code-submit');
      const real = await latestMailedCode(harness, `${user}@example.jp`);
      await frame.getByTestId('code-input').fill(`${real.slice(0, 5)}${(Number(real[5]) + 1) % 10}`);
      await frame.getByTestId('code-submit').click();
      await frame.getByTestId('error-tries-left').waitFor();
      await primary('06-code-wrong', 'code-submit');
      await frame.getByTestId('code-input').fill(real);
      await frame.getByTestId('code-submit').click();
      await frame.getByTestId('screen-confirm').waitFor();
      await primary('07-confirm', 'confirm-register');

      await phone.prompt('confirm-register', 'deny', async () => {
        // The page says what to do on the device while the prompt is up.
        await frame.getByTestId('device-prompt').waitFor();
        await phone.shot('08-confirm-device-prompt');
        await page.screenshot({ path: join(SCREENSHOT_DIR, 'phone-frame-08-console-device-prompt.png') });
      });
      await frame.getByTestId('error').waitFor();
      await primary('09-confirm-denied', 'confirm-register');
      await phone.prompt('confirm-register', 'approve');
      await frame.getByTestId('screen-done').waitFor();
      await primary('10-done', 'done-back');
      await frame.getByTestId('done-back').click();
      await frame.getByTestId('screen-info').waitFor();
      await primary('11-info-registered', 'passkey-register');
      await frame.getByTestId('passkey-manage').click();
      await frame.getByTestId('screen-passkeys').waitFor();
      await primary('12-passkeys', 'passkeys-back');
      await frame.getByTestId('passkeys-back').click();
      await frame.getByTestId('screen-info').waitFor();
      await logOut(frame);

      await frame.getByTestId('goto-passkey-login').click();
      await frame.getByTestId('screen-passkey-login').waitFor();
      await primary('13-passkey-login', 'passkey-login-submit');
      await frame.getByTestId('passkey-login-id').fill(user);
      await phone.prompt('passkey-login-submit', 'approve');
      await frame.getByTestId('screen-welcome').waitFor();
      await primary('14-welcome', 'welcome-next');
      await frame.getByTestId('welcome-next').click();
      await frame.getByTestId('screen-info').waitFor();
      await logOut(frame);

      expect(misses).toEqual([]);
    }, 120_000);
  }
});
