import type { BrowserWindowConstructorOptions, Session, WebFrameMain } from 'electron';

/**
 * Electron's security checklist as pure data and predicates, so main.ts stays a list of
 * wiring calls and the rules are unit-tested without an Electron binary.
 */

/**
 * The app's CSP: everything from the page's own origin. `frameSrc` adds the phone frames' origin
 * (the console embeds the customer pages from a second loopback port, so they cannot reach its
 * bridge); `frameAncestors` replaces `'self'` for those pages, which only the console may frame.
 */
export function contentSecurityPolicy({ frameSrc = [], frameAncestors = ["'self'"] }: { frameSrc?: readonly string[]; frameAncestors?: readonly string[] } = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    `frame-src ${["'self'", ...frameSrc].join(' ')}`,
    `frame-ancestors ${frameAncestors.join(' ')}`,
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The console and the customer pages it frames come from the app's own origins only. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** The app's origins: the console's, and the phone frames' (customer pages only; undefined before the backend runs). */
export interface AppOrigins {
  app: string;
  frames?: string;
}

/** The CSP for a response from `url`: the phone-frame origin's pages may be framed by the console only; the console may frame them. */
export function cspFor(url: string, { app, frames }: AppOrigins): string {
  if (frames && originOf(url) === frames) return contentSecurityPolicy({ frameAncestors: [app] });
  return contentSecurityPolicy(frames ? { frameSrc: [frames] } : {});
}

/** Every window of the app (console and phone windows) starts from these: sandboxed, isolated, no Node. */
export const LOCKED_DOWN_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

export function windowOptions({ preload }: { preload: string }): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Passkey Harness',
    webPreferences: { ...LOCKED_DOWN_WEB_PREFERENCES, preload },
  };
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}

/** Navigation stays inside the app's origin (console and customer pages); everything else is blocked. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}

/** Main answers only the app window's top frame while it shows the app's own pages (electron/fiddle). */
export function isTrustedSender(
  frame: Pick<WebFrameMain, 'url'> | null | undefined,
  { mainFrame, appOrigin }: { mainFrame: unknown; appOrigin: string },
): boolean {
  if (!frame || frame !== mainFrame) return false;
  return isAllowedNavigation(frame.url, appOrigin);
}

export const denyWindowOpen = (): { action: 'deny' } => ({ action: 'deny' });

/** Adds the CSP to every response, replacing whatever the page sent. */
export function withCsp(headers: Record<string, string[] | string> | undefined, policy: string = CONTENT_SECURITY_POLICY): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === 'content-security-policy') continue;
    out[key] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}

/** No camera, microphone, notifications, HID, USB… the harness simulates devices, it never asks for real ones. */
export function lockDownSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>, origins?: () => AppOrigins): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders, origins ? cspFor(details.url, origins()) : CONTENT_SECURITY_POLICY) });
  });
}

type NavigationEvent = { preventDefault(): void; isMainFrame?: boolean };
interface GuardableContents {
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', listener: (event: NavigationEvent & { url?: string }, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
}

/**
 * Applied to every webContents the app creates: no new windows, no <webview>, and neither
 * the console nor a framed customer page can navigate away from the app's origin. A subframe
 * (a phone frame) may also load the phone-frame origin's customer pages; the window never may.
 */
export function guardWebContents(contents: GuardableContents, appOrigin: () => string, frameOrigin: () => string | undefined = () => undefined): void {
  contents.setWindowOpenHandler(denyWindowOpen);
  const block = (event: NavigationEvent & { url?: string }, url?: string) => {
    const target = url ?? event.url ?? '';
    if (!isAllowedNavigation(target, appOrigin())) event.preventDefault();
  };
  const blockFrame = (event: NavigationEvent & { url?: string }, url?: string) => {
    const target = url ?? event.url ?? '';
    const frames = frameOrigin();
    if (event.isMainFrame === false && frames !== undefined && isAllowedNavigation(target, frames)) return;
    block(event, url);
  };
  contents.on('will-navigate', block);
  contents.on('will-frame-navigate', blockFrame);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
