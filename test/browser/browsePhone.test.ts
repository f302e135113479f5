// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browsePhone, type BrowserSession } from '../../core/browser/index.js';
import { systemClock } from '../../core/clock.js';
import { isHarnessError } from '../../core/errors.js';
import { memoryPhoneRegistry } from '../../core/harness/phoneRegistry.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';

/**
 * What ends a `pkh browse` session and how it fails, on browsePhone itself (the CLI round trips
 * are in browseCli.test.ts). One Chromium for the file; each session gets a fresh context.
 */
let browser: Browser;
const phones = memoryPhoneRegistry(systemClock);
phones.create('p1', 'yubikey-5');
const PAGE = 'data:text/html,<title>browse</title>';

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('browsePhone', () => {
  it('an unknown phone is PHONE_NOT_FOUND before any Chromium starts', async () => {
    const error = await failureOf(browsePhone({ phones, phone: 'nope', url: PAGE, executablePath: '/nonexistent/chromium' }));
    expect(isHarnessError(error, 'PHONE_NOT_FOUND')).toBe(true);
  });

  it('returns what the drive function returns, with the phone synced (cdp)', async () => {
    const result = await browsePhone({ phones, phone: 'p1', url: PAGE, browser, drive: async (s) => s.page.title() });
    expect(result).toMatchObject({ phone: 'p1', mode: 'cdp', finalUrl: PAGE, credentialCount: 0, synced: { added: [], updated: [] }, scriptResult: 'browse' });
    expect(result.limits.length).toBeGreaterThan(0);
  });

  it('a throwing drive is EXPECTATION_FAILED (original as cause), reported after the browser closed', async () => {
    let session: BrowserSession | undefined;
    const error = await failureOf(
      browsePhone({
        phones,
        phone: 'p1',
        url: PAGE,
        mode: 'shim',
        browser,
        drive: (s) => {
          session = s;
          throw new Error('button not found\nstack…');
        },
      }),
    );
    expect(isHarnessError(error, 'EXPECTATION_FAILED')).toBe(true);
    expect((error as Error).message).toBe('browse script failed: button not found');
    expect(((error as Error).cause as Error).message).toContain('button not found');
    expect(session?.page.isClosed()).toBe(true);
  });

  it('a drive that outlives timeoutMs, and an untilUrl never reached, are EXPECTATION_FAILED', async () => {
    const late = await failureOf(browsePhone({ phones, phone: 'p1', url: PAGE, browser, timeoutMs: 100, drive: () => new Promise(() => undefined) }));
    expect(isHarnessError(late, 'EXPECTATION_FAILED')).toBe(true);
    expect((late as Error).message).toBe('script did not finish within 100 ms');
    const never = await failureOf(browsePhone({ phones, phone: 'p1', url: PAGE, browser, timeoutMs: 100, untilUrl: /never-there/ }));
    expect(isHarnessError(never, 'EXPECTATION_FAILED')).toBe(true);
  });

  it('without drive or untilUrl it waits for the window, and the abort signal (Ctrl-C) ends it cleanly', async () => {
    const stop = new AbortController();
    const result = await browsePhone({
      phones,
      phone: 'p1',
      url: PAGE,
      browser,
      signal: stop.signal,
      onOpen: ({ phone, profile }) => {
        expect([phone, profile.id]).toEqual(['p1', 'yubikey-5']);
        // Aborts once the session waits (browsePhone reaches the wait synchronously after onOpen).
        queueMicrotask(() => stop.abort());
      },
    });
    expect(result).toMatchObject({ phone: 'p1', mode: 'cdp', credentialCount: 0 });
    expect(result.scriptResult).toBeUndefined();
  });
});
