import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createAuthenticator, type Authenticator, type CredentialStore, type DeviceProfile } from '../authenticator/index.js';
import { systemClock, type Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import type { CdpSend } from './cdpTypes.js';
import { describeCdpLimits, type CdpLimit } from './describeCdpLimits.js';
import type { ImportCdpCredentialsResult } from './importCdpCredentials.js';
import { installShim, type ShimCeremony } from './installShim.js';
import { toBase64url } from '../webauthn/index.js';
import { loadVirtualAuthenticator, type LoadVirtualAuthenticatorResult } from './loadVirtualAuthenticator.js';
import { syncVirtualAuthenticator } from './syncVirtualAuthenticator.js';

export type BrowseMode = 'cdp' | 'shim';

/** Debian's chromium; PASSKEY_HARNESS_CHROMIUM overrides it (read by the caller). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface BrowserSession {
  mode: BrowseMode;
  context: BrowserContext;
  page: Page;
  /** CDP mode: what the virtual authenticator got. */
  virtualAuthenticator?: LoadVirtualAuthenticatorResult;
  /** What CDP cannot express for this profile (empty in shim mode: the profile is exact). */
  limits: CdpLimit[];
  /** Shim mode: every ceremony served so far. */
  ceremonies: ShimCeremony[];
  /**
   * WebAuthn Signal API calls the phone honoured: shim mode as they happen; cdp mode as syncs
   * find credentials Chromium's virtual authenticator dropped (`removed`, signal unknown to CDP).
   */
  signals: { signal: string; origin?: string; removed: string[]; updated: string[] }[];
  /** Writes back now without closing (CDP mode; shim mode persists as it goes); returns the running total. */
  sync(): Promise<ImportCdpCredentialsResult | undefined>;
  /** Syncs (CDP mode), closes the browser and removes its profile directory. Idempotent. */
  close(): Promise<{ synced?: ImportCdpCredentialsResult }>;
}

/**
 * Opens Chromium (playwright-core, fresh user-data-dir) for one phone and navigates to `url`.
 * - `cdp`: a CDP virtual authenticator configured from the profile and loaded with the phone's
 *   credentials; on close, new credentials and advanced counters are written back to `credentials`.
 * - `shim`: the harness's own authenticator answers `navigator.credentials` on `url`'s origin
 *   (and `origins`), persisting through `credentials` as it goes.
 */
export async function openBrowser(options: {
  url: string;
  profile: DeviceProfile;
  /** The phone's credential store (vault.credentials(name) for persistence). */
  credentials: CredentialStore;
  mode?: BrowseMode;
  /** Shim mode: the phone's authenticator (vault.authenticatorFor(name)); default: one over `credentials`. */
  authenticator?: Authenticator;
  /** Extra origins the shim serves besides `url`'s. */
  origins?: string[];
  headless?: boolean;
  executablePath?: string;
  /** Reuse a launched Chromium (tests): the session gets a fresh context in it and closes only that. */
  browser?: Browser;
  clock?: Clock;
  onCeremony?: (record: ShimCeremony) => void;
}): Promise<BrowserSession> {
  const { url, profile, credentials, mode = 'cdp', headless = true, executablePath = DEFAULT_CHROMIUM_PATH, clock = systemClock } = options;
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch (cause) {
    throw new HarnessError('INVALID_INPUT', `not a URL: ${url}`, { cause });
  }
  let userDataDir: string | undefined;
  let context: BrowserContext;
  if (options.browser) {
    context = await options.browser.newContext({ viewport: { width: 1024, height: 900 } });
  } else {
    if (!existsSync(executablePath)) {
      throw new HarnessError('NOT_SUPPORTED', `chromium not found at ${executablePath}: apt-get install -y chromium, or set PASSKEY_HARNESS_CHROMIUM`);
    }
    userDataDir = await mkdtemp(join(tmpdir(), 'pkh-browse-'));
    try {
      context = await chromium.launchPersistentContext(userDataDir, { executablePath, args: CHROMIUM_ARGS, headless, viewport: headless ? { width: 1024, height: 900 } : null });
    } catch (cause) {
      await rm(userDataDir, { recursive: true, force: true });
      throw new HarnessError('NOT_SUPPORTED', `cannot start chromium: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`, { cause });
    }
  }
  const removeProfile = async () => {
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  };
  const page = context.pages()[0] ?? (await context.newPage());
  const ceremonies: ShimCeremony[] = [];
  const signals: BrowserSession['signals'] = [];
  // What the virtual authenticator starts with: a loaded credential it no longer holds was dropped in the session (Signal API).
  let loadedIds: string[] = [];
  let send: CdpSend | undefined;
  let virtualAuthenticator: LoadVirtualAuthenticatorResult | undefined;
  try {
    if (mode === 'cdp') {
      const cdp = await context.newCDPSession(page);
      send = (method, params) => cdp.send(method as never, params as never);
      virtualAuthenticator = await loadVirtualAuthenticator({ send, profile, credentials: credentials.list(), enableUI: !headless });
      loadedIds = credentials.list().map((c) => toBase64url(c.id));
    } else {
      const authenticator = options.authenticator ?? createAuthenticator({ profile, credentials, clock });
      await installShim({
        context,
        authenticator,
        origins: [origin, ...(options.origins ?? [])],
        onCeremony: (record) => {
          ceremonies.push(record);
          options.onCeremony?.(record);
        },
        credentials,
        onSignal: (result) => signals.push(result),
      });
    }
    await page.goto(url);
  } catch (error) {
    await context.close().catch(() => undefined);
    await removeProfile();
    throw error;
  }

  // Every sync (the caller may sync while the window is open) adds to one running total, so a
  // browser closed by hand before close() still reports what was written back.
  const added = new Set<string>();
  const updated = new Set<string>();
  let unchanged = 0;
  const totals = (): ImportCdpCredentialsResult => ({ added: [...added], updated: [...updated].filter((id) => !added.has(id)), unchanged });
  const sync = async () => {
    if (!send || !virtualAuthenticator) return undefined;
    const result = await syncVirtualAuthenticator({ send, authenticatorId: virtualAuthenticator.authenticatorId, store: credentials, clock, loadedIds });
    if (result.removed.length) signals.push({ signal: 'removed-in-browser', removed: result.removed, updated: [] });
    // The phone now holds what Chromium holds: a later drop of any of these is a drop from the phone.
    loadedIds = [...loadedIds.filter((id) => !result.removed.includes(id)), ...result.added.filter((id) => !loadedIds.includes(id))];
    for (const id of result.added) added.add(id);
    for (const id of result.updated) updated.add(id);
    unchanged = result.unchanged;
    return totals();
  };
  let closing: Promise<{ synced?: ImportCdpCredentialsResult }> | undefined;
  return {
    mode,
    context,
    page,
    virtualAuthenticator,
    limits: mode === 'cdp' ? describeCdpLimits(profile) : [],
    ceremonies,
    signals,
    sync,
    close() {
      closing ??= (async () => {
        try {
          if (mode !== 'cdp') return {};
          // The browser may already be gone (window closed by hand): keep what earlier syncs wrote.
          await sync().catch(() => undefined);
          return { synced: totals() };
        } finally {
          await context.close().catch(() => undefined);
          await removeProfile();
        }
      })();
      return closing;
    },
  };
}
