import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DeviceProfile } from '../authenticator/index.js';
import { createPhone, openPhone, type Phone, type PhonePrompt, type VaultLocation } from '../phone/index.js';
import { attachPhone } from './attachPhone.js';
import type { AttachedPhone, AttachMode } from './types.js';

export interface PhoneFixtureOptions {
  /** Built-in profile id or your own profile. Default `iphone-icloud`. */
  profile?: string | DeviceProfile;
  /** Default `shim`. */
  mode?: AttachMode;
  /** Phones live in this vault (shared with `pkh` and the desktop app) instead of memory. */
  vault?: VaultLocation;
  /** With `vault`: the `phone` fixture is this persistent phone, the same in every test. Without it each test gets a fresh phone. */
  name?: string;
  /**
   * Reproducible keys and credential ids: each test's phones are seeded with
   * `${seed}:${test title path}:${phone name}`. Default: unseeded (fresh keys every run, so
   * re-running a suite against a long-lived RP never collides with credentials it already saw).
   */
  seed?: string;
  /** Shim mode: origins the phone serves (default every origin). */
  origins?: string[];
  /** Answers prompts that `nextPrompt` did not queue (default: approve). */
  prompt?: PhonePrompt;
}

/** A phone in its own browser context (what `phones.open` returns). */
export type OpenedPhone = AttachedPhone & { readonly page: Page; readonly context: BrowserContext };

export interface PhoneFactory {
  /**
   * Another phone, in a NEW browser context with one page (a second device). With a vault,
   * `name` is the vault phone (created when missing); without, it names the in-memory phone.
   * Opening a name twice in one test returns the same phone.
   */
  open(name: string, options?: { profile?: string | DeviceProfile; mode?: AttachMode }): Promise<OpenedPhone>;
  /** Every phone opened in this test, by name. */
  readonly opened: ReadonlyMap<string, OpenedPhone>;
}

export interface PhoneFixtures {
  /** A phone attached to the test's `page` (and so its context), closed (and synced) after the test. */
  phone: AttachedPhone;
  phones: PhoneFactory;
}

type Use<T> = (value: T) => Promise<void>;
interface TestInfoLike {
  titlePath: string[];
}

/**
 * Fixtures for `@playwright/test`:
 *
 * @example
 * import { test as base, expect } from '@playwright/test';
 * import { phoneFixtures, type PhoneFixtures } from 'passkey-harness/playwright';
 * const test = base.extend<PhoneFixtures>(phoneFixtures({ profile: 'android-gpm' }));
 * test('registers', async ({ page, phone }) => { phone.nextPrompt('approve'); await page.goto('/'); … });
 */
export function phoneFixtures(options: PhoneFixtureOptions = {}) {
  const { mode = 'shim' } = options;
  const seedFor = (info: TestInfoLike, name: string) => (options.seed === undefined ? {} : { seed: `${options.seed}:${info.titlePath.join(' › ')}:${name}` });
  const makePhone = (info: TestInfoLike, name: string, profile: string | DeviceProfile | undefined, persistent: boolean): Phone & { close?(): void } => {
    const common = { ...seedFor(info, name), ...(options.prompt ? { prompt: options.prompt } : {}) };
    if (options.vault && persistent) return openPhone({ vault: options.vault, name, ...(profile ? { profile } : {}), ...common });
    return createPhone({ ...(profile ? { profile } : {}), ...common });
  };
  const attachOptions = (m: AttachMode) => ({ mode: m, ...(options.origins ? { origins: options.origins } : {}) });

  return {
    phone: async ({ page }: { page: Page }, use: Use<AttachedPhone>, info: TestInfoLike) => {
      const persistent = Boolean(options.vault && options.name);
      const phone = makePhone(info, options.name ?? 'phone', options.profile, persistent);
      const attached = await attachPhone(page, phone, attachOptions(mode));
      try {
        await use(attached);
      } finally {
        await attached.close();
        phone.close?.();
      }
    },
    phones: async ({ browser }: { browser: Browser }, use: Use<PhoneFactory>, info: TestInfoLike) => {
      const opened = new Map<string, OpenedPhone>();
      const cleanups: (() => Promise<void>)[] = [];
      const factory: PhoneFactory = {
        opened,
        async open(name, openOptions = {}) {
          const existing = opened.get(name);
          if (existing) return existing;
          const phone = makePhone(info, name, openOptions.profile ?? options.profile, Boolean(options.vault));
          const context = await browser.newContext();
          let attached: AttachedPhone;
          try {
            attached = await attachPhone(await context.newPage(), phone, attachOptions(openOptions.mode ?? mode));
          } catch (error) {
            await context.close().catch(() => undefined);
            phone.close?.();
            throw error;
          }
          cleanups.push(async () => {
            await attached.close(); // syncs before the context goes
            await context.close().catch(() => undefined);
            phone.close?.();
          });
          const result = attached as OpenedPhone;
          opened.set(name, result);
          return result;
        },
      };
      try {
        await use(factory);
      } finally {
        for (const cleanup of cleanups.reverse()) await cleanup();
      }
    },
  };
}
