import type { BrowserWindowConstructorOptions, Session, WebFrameMain } from 'electron';

/**
 * Electron's security checklist as pure data and predicates, so main.ts stays a list of
 * wiring calls and the rules are unit-tested without an Electron binary.
 */

/** The console and the customer pages it frames are served by the app's own origin only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

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
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === 'content-security-policy') continue;
    out[key] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

/** No camera, microphone, notifications, HID, USB… the harness simulates devices, it never asks for real ones. */
export function lockDownSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
}

type NavigationEvent = { preventDefault(): void };
interface GuardableContents {
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', listener: (event: NavigationEvent & { url?: string }, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
}

/**
 * Applied to every webContents the app creates: no new windows, no <webview>, and neither
 * the console nor a framed customer page can navigate away from the app's origin.
 */
export function guardWebContents(contents: GuardableContents, appOrigin: () => string): void {
  contents.setWindowOpenHandler(denyWindowOpen);
  const block = (event: NavigationEvent & { url?: string }, url?: string) => {
    const target = url ?? event.url ?? '';
    if (!isAllowedNavigation(target, appOrigin())) event.preventDefault();
  };
  contents.on('will-navigate', block);
  contents.on('will-frame-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
