import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { CONTENT_SECURITY_POLICY, cspFor, denyWindowOpen, guardWebContents, isAllowedNavigation, lockDownSession, windowOptions, withCsp } from '../../electron/security.js';

const APP_ORIGIN = 'http://localhost:43123';

describe('electron window security', () => {
  it('creates the window with context isolation, sandbox, no Node integration and web security', () => {
    const options = windowOptions({ preload: '/app/out/preload/preload.cjs' });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('sets a strict CSP on every response, replacing the page’s own', () => {
    const headers = withCsp({ 'content-security-policy': ["default-src *; script-src 'unsafe-eval'"], 'Content-Type': 'text/html' });
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(Object.keys(headers).filter((k) => k.toLowerCase() === 'content-security-policy')).toHaveLength(1);
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(eval|inline)/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });

  it('allows navigation only within the app origin', () => {
    expect(isAllowedNavigation(`${APP_ORIGIN}/console/`, APP_ORIGIN)).toBe(true);
    expect(isAllowedNavigation(`${APP_ORIGIN}/?slot=p1`, APP_ORIGIN)).toBe(true);
    expect(isAllowedNavigation('https://evil.example/', APP_ORIGIN)).toBe(false);
    expect(isAllowedNavigation('http://localhost:9999/console/', APP_ORIGIN)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', APP_ORIGIN)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', APP_ORIGIN)).toBe(false);
    expect(isAllowedNavigation('not a url', APP_ORIGIN)).toBe(false);
  });

  it('denies window.open and blocks navigation, redirects and webviews away from the app', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    guardWebContents(contents as never, () => APP_ORIGIN);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledWith(denyWindowOpen);
    expect(denyWindowOpen()).toEqual({ action: 'deny' });

    const event = (url?: string) => ({ preventDefault: vi.fn(), url });
    const away = event();
    contents.emit('will-navigate', away, 'https://evil.example/phish');
    expect(away.preventDefault).toHaveBeenCalled();
    const frameAway = event('https://evil.example/frame');
    contents.emit('will-frame-navigate', frameAway);
    expect(frameAway.preventDefault).toHaveBeenCalled();
    const redirect = event();
    contents.emit('will-redirect', redirect, 'http://169.254.169.254/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = event();
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();

    const inside = event();
    contents.emit('will-navigate', inside, `${APP_ORIGIN}/?slot=p1`);
    expect(inside.preventDefault).not.toHaveBeenCalled();
  });

  // Issue 11 item 8: phone frames load the customer pages from a second loopback port, so a page cannot reach the bridge.
  const FRAME_ORIGIN = 'http://localhost:43124';

  it('lets only subframes load the phone-frame origin; the window itself stays on the app origin', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    guardWebContents(contents as never, () => APP_ORIGIN, () => FRAME_ORIGIN);
    const event = (url: string, isMainFrame: boolean) => ({ preventDefault: vi.fn(), url, isMainFrame });
    const phoneFrame = event(`${FRAME_ORIGIN}/?slot=p1`, false);
    contents.emit('will-frame-navigate', phoneFrame);
    expect(phoneFrame.preventDefault).not.toHaveBeenCalled();
    const topToFrames = event(`${FRAME_ORIGIN}/`, true);
    contents.emit('will-frame-navigate', topToFrames);
    expect(topToFrames.preventDefault).toHaveBeenCalled();
    const navigate = { preventDefault: vi.fn() };
    contents.emit('will-navigate', navigate, `${FRAME_ORIGIN}/`);
    expect(navigate.preventDefault).toHaveBeenCalled();
    const elsewhere = event('http://localhost:9999/', false);
    contents.emit('will-frame-navigate', elsewhere);
    expect(elsewhere.preventDefault).toHaveBeenCalled();
  });

  it('the console may frame the phone-frame origin, whose pages only the console may frame', () => {
    const origins = { app: APP_ORIGIN, frames: FRAME_ORIGIN };
    expect(cspFor(`${APP_ORIGIN}/console/`, origins)).toContain(`frame-src 'self' ${FRAME_ORIGIN};`);
    expect(cspFor(`${APP_ORIGIN}/console/`, origins)).toContain("frame-ancestors 'self'");
    expect(cspFor(`${FRAME_ORIGIN}/?slot=p1`, origins)).toContain(`frame-ancestors ${APP_ORIGIN};`);
    expect(cspFor(`${FRAME_ORIGIN}/?slot=p1`, origins)).toContain("frame-src 'self';");
    expect(cspFor(`${APP_ORIGIN}/console/`, { app: APP_ORIGIN })).toBe(CONTENT_SECURITY_POLICY);
  });

  it('denies every permission request and check, and installs the CSP hook', () => {
    let requestHandler: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let checkHandler: (() => boolean) | undefined;
    let headersHook: ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
    lockDownSession({
      setPermissionRequestHandler: (handler: never) => (requestHandler = handler),
      setPermissionCheckHandler: (handler: never) => (checkHandler = handler),
      webRequest: { onHeadersReceived: (handler: never) => (headersHook = handler) },
    } as never);
    for (const permission of ['media', 'notifications', 'hid', 'usb', 'clipboard-read']) {
      const callback = vi.fn();
      requestHandler!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(checkHandler!()).toBe(false);
    const callback = vi.fn();
    headersHook!({ responseHeaders: {} }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
});
