import type { BrowserWindowConstructorOptions, Session } from 'electron';
import { LOOPBACK_HOSTNAMES } from '../core/http/checkHost.js';
import { isConsolePath } from '../core/http/consolePath.js';
import { denyWindowOpen, LOCKED_DOWN_WEB_PREFERENCES } from './security.js';

/**
 * The phone window that opens an arbitrary URL: the console's security settings minus the
 * app's CSP and navigation lock (the page is someone else's site), with no preload at all,
 * in its own in-memory session per phone (cookies stay with the phone and vanish on quit).
 */
export function phonePartition(phone: string): string {
  // No 'persist:' prefix: an in-memory session.
  return `phone-url:${encodeURIComponent(phone)}`;
}

export function phoneWindowOptions({ phone }: { phone: string }): BrowserWindowConstructorOptions {
  return {
    width: 400,
    height: 860,
    minWidth: 320,
    minHeight: 480,
    show: true,
    title: `${phone} — Passkey Harness`,
    autoHideMenuBar: true,
    webPreferences: { ...LOCKED_DOWN_WEB_PREFERENCES, partition: phonePartition(phone), safeDialogs: true },
  };
}

/** Subframes of a real site legitimately hold about:blank/srcdoc, blob: and data: documents. */
const SUBFRAME_SCHEMES = new Set(['about:', 'blob:', 'data:']);

const LOOPBACK = new Set<string>(LOOPBACK_HOSTNAMES);

/**
 * The app's own server under any name it answers to: its Host allowlist takes localhost,
 * 127.0.0.1 and [::1] on its port alike (core/http/checkHost.ts), so comparing origins alone
 * would let `http://127.0.0.1:PORT/console/` through.
 */
function isAppServer(url: URL, appOrigin: string): boolean {
  let app: URL;
  try {
    app = new URL(appOrigin);
  } catch {
    return false;
  }
  if (url.origin === app.origin) return true;
  return url.protocol === app.protocol && url.port === app.port && LOOPBACK.has(url.hostname) && LOOPBACK.has(app.hostname);
}

/**
 * A phone window may go anywhere on the web (http/https) but never to the app's own console
 * (under any loopback name, in any spelling its server resolves: core/http/consolePath.ts),
 * and never to file:, chrome:, devtools: or javascript: URLs.
 */
export function isAllowedPhoneNavigation(url: string, { appOrigin, mainFrame = true }: { appOrigin: string; mainFrame?: boolean }): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    return !(isAppServer(parsed, appOrigin) && isConsolePath(parsed.pathname));
  }
  return !mainFrame && SUBFRAME_SCHEMES.has(parsed.protocol);
}

type NavigationEvent = { preventDefault(): void; url?: string; isMainFrame?: boolean };
interface GuardableContents {
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', listener: (event: NavigationEvent, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
}

/** window.open denied, no <webview>, navigation only to http/https (see isAllowedPhoneNavigation). */
export function guardPhoneContents(contents: GuardableContents, appOrigin: () => string): void {
  contents.setWindowOpenHandler(denyWindowOpen);
  const block = (event: NavigationEvent, url?: string) => {
    const target = url ?? event.url ?? '';
    if (!isAllowedPhoneNavigation(target, { appOrigin: appOrigin(), mainFrame: event.isMainFrame !== false })) event.preventDefault();
  };
  contents.on('will-navigate', block);
  contents.on('will-frame-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Every permission refused (camera, notifications, HID…); the site's own CSP is left alone. */
export function lockDownPhoneSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
