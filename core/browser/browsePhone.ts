import type { Browser } from 'playwright-core';
import { resolveProfile, type CredentialStore, type DeviceProfile } from '../authenticator/index.js';
import { HarnessError } from '../errors.js';
import type { ImportCdpCredentialsResult } from './importCdpCredentials.js';
import type { ShimCeremony } from './installShim.js';
import type { CdpLimit } from './describeCdpLimits.js';
import { openBrowser, type BrowseMode, type BrowserSession } from './openBrowser.js';

/**
 * Where the phone comes from: a harness phone registry (`openPhoneRegistry`, core/harness) fits.
 * Declared structurally so core/browser does not import the harness (which may use it later).
 */
export interface BrowsablePhones {
  get(name: string): { name: string; profile: string | DeviceProfile; credentials: CredentialStore };
}

export interface BrowsePhoneOptions {
  phones: BrowsablePhones;
  /** The phone carried into Chromium. */
  phone: string;
  url: string;
  /** `cdp` (default): CDP virtual authenticator; `shim`: the harness's own authenticator answers navigator.credentials. */
  mode?: BrowseMode;
  headless?: boolean;
  executablePath?: string;
  /**
   * What ends the session, first match wins:
   * - `drive(session)`: drives the page (e.g. a QA script); what it returns is `scriptResult`;
   * - `untilUrl`: the page reaches a URL matching it;
   * - neither: the window is closed by hand, or `signal` aborts (Ctrl-C in the CLI).
   */
  drive?: (session: BrowserSession) => unknown;
  untilUrl?: RegExp;
  /** Limit for `drive` / `untilUrl` (EXPECTATION_FAILED when exceeded), or for waiting on the window. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** CDP mode writes back this often while the window is open, so a window closed by hand loses nothing. */
  syncIntervalMs?: number;
  /** Called once Chromium shows the page, with the phone's resolved profile (for the CLI's notes). */
  onOpen?: (opened: { phone: string; profile: DeviceProfile; headless: boolean; session: BrowserSession }) => void;
  /** Shim mode: each ceremony as it is served. */
  onCeremony?: (record: ShimCeremony) => void;
  /** Reuse a launched Chromium (tests), as `openBrowser` does. */
  browser?: Browser;
}

export interface BrowsePhoneResult {
  phone: string;
  mode: BrowseMode;
  url: string;
  /** Where the page was when the session ended (null when the page was already gone). */
  finalUrl: string | null;
  /** What CDP could not express for the profile (empty in shim mode). */
  limits: CdpLimit[];
  /** CDP mode: what was written back to the phone over the whole session; null in shim mode. */
  synced: ImportCdpCredentialsResult | null;
  /** Shim mode: every ceremony served. */
  ceremonies: ShimCeremony[];
  /** The phone's credentials after the session. */
  credentialCount: number;
  scriptResult?: unknown;
}

/**
 * Opens a phone of the registry in Chromium (see `openBrowser`), waits for what ends the session,
 * writes CDP-mode changes back to the phone (and every `syncIntervalMs` meanwhile), closes the
 * browser and reports. A failing or late `drive` / `untilUrl` is EXPECTATION_FAILED, reported
 * after the browser closed and the phone was synced.
 */
export async function browsePhone(options: BrowsePhoneOptions): Promise<BrowsePhoneResult> {
  const { phones, url, mode = 'cdp', headless = true, executablePath, browser, drive, untilUrl, timeoutMs, signal, syncIntervalMs = 1000 } = options;
  const phone = phones.get(options.phone);
  const profile = resolveProfile(phone.profile);
  const session = await openBrowser({ url, profile, credentials: phone.credentials, mode, headless, executablePath, browser, onCeremony: options.onCeremony });
  options.onOpen?.({ phone: phone.name, profile, headless, session });

  let scriptResult: unknown;
  let failure: unknown;
  const keepSyncing = mode === 'cdp' ? setInterval(() => void session.sync().catch(() => undefined), syncIntervalMs) : undefined;
  try {
    if (drive) scriptResult = await withTimeout(Promise.resolve().then(() => drive(session)), timeoutMs, `script did not finish within ${timeoutMs} ms`);
    else if (untilUrl) await session.page.waitForURL(untilUrl, { timeout: timeoutMs ?? 0 });
    else await waitForClose(session, timeoutMs, signal);
  } catch (error) {
    failure = error;
  } finally {
    if (keepSyncing) clearInterval(keepSyncing);
  }
  const closed = await session.close();
  if (failure) {
    if (failure instanceof LateError) throw new HarnessError('EXPECTATION_FAILED', failure.message);
    const text = failure instanceof Error ? failure.message.split('\n')[0] : String(failure);
    throw new HarnessError('EXPECTATION_FAILED', `browse script failed: ${text}`, { cause: failure });
  }
  return {
    phone: phone.name,
    mode,
    url,
    finalUrl: safeUrl(session),
    limits: session.limits,
    synced: closed.synced ?? null,
    ceremonies: session.ceremonies,
    credentialCount: phones.get(phone.name).credentials.list().length,
    ...(scriptResult === undefined ? {} : { scriptResult }),
  };
}

/** Our own timeout, told apart from whatever the script throws. */
class LateError extends Error {}

function safeUrl(session: BrowserSession): string | null {
  try {
    return session.page.url();
  } catch {
    return null;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number | undefined, text: string): Promise<T> {
  if (ms === undefined) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new LateError(text)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Until the window is closed by hand, `signal` aborts, or the timeout. */
function waitForClose({ context }: BrowserSession, ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      signal?.removeEventListener('abort', finish);
      clearTimeout(timer);
      done();
    };
    const timer = ms === undefined ? undefined : setTimeout(finish, ms);
    if (signal?.aborted) return finish();
    signal?.addEventListener('abort', finish, { once: true });
    context.on('close', finish);
    for (const page of context.pages()) page.on('close', () => context.pages().length === 0 && finish());
  });
}
