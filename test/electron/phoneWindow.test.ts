import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { guardPhoneContents, isAllowedPhoneNavigation, lockDownPhoneSession, phonePartition, phoneWindowOptions } from '../../electron/phoneWindow.js';
import { denyWindowOpen } from '../../electron/security.js';

const APP_ORIGIN = 'http://localhost:43123';

describe('phone window security', () => {
  it('is phone-sized, sandboxed, isolated, without Node or a preload, in its own in-memory session', () => {
    const options = phoneWindowOptions({ phone: 'Pixel 8' });
    expect(options.width).toBeLessThan(500);
    expect(options.webPreferences).toMatchObject({
      partition: 'phone-url:Pixel%208',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.webPreferences).not.toHaveProperty('preload');
    expect(phonePartition('a')).not.toMatch(/^persist:/);
    expect(phonePartition('a b')).not.toBe(phonePartition('a_b'));
  });

  it('allows http/https anywhere except the app console; never file:, javascript:, chrome:', () => {
    const ok = (url: string, mainFrame = true) => isAllowedPhoneNavigation(url, { appOrigin: APP_ORIGIN, mainFrame });
    expect(ok('https://example.test/login')).toBe(true);
    expect(ok('http://192.168.0.10:8080/')).toBe(true);
    expect(ok(`${APP_ORIGIN}/?slot=Pixel`)).toBe(true);
    expect(ok(`${APP_ORIGIN}/console/`)).toBe(false);
    expect(ok(`${APP_ORIGIN}/console`)).toBe(false);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'chrome://gpu', 'devtools://devtools', 'data:text/html,x', 'about:blank', 'nonsense']) expect(ok(url)).toBe(false);
    // Subframes of a real site may hold about:blank, blob: and data: documents, still never file: or javascript:.
    expect(ok('about:blank', false)).toBe(true);
    expect(ok('blob:https://example.test/1', false)).toBe(true);
    expect(ok('file:///etc/passwd', false)).toBe(false);
  });

  it('keeps the console out under every loopback name and path spelling its server would serve it at', () => {
    const ok = (url: string) => isAllowedPhoneNavigation(url, { appOrigin: APP_ORIGIN });
    // The server's Host allowlist answers all three loopback names on its port (core/http/checkHost.ts);
    // readStaticFile collapses repeated slashes, decodes escapes, and macOS/Windows file systems ignore case.
    for (const url of [
      'http://127.0.0.1:43123/console/',
      'http://[::1]:43123/console/index.html',
      'http://127.1:43123/console/',
      `${APP_ORIGIN}//console/`,
      `${APP_ORIGIN}/%63onsole/`,
      `${APP_ORIGIN}/%2563onsole/`,
      `${APP_ORIGIN}/Console/`,
      `${APP_ORIGIN}/%5Cconsole/`,
      `${APP_ORIGIN}/x/../console/`,
    ]) {
      expect(ok(url), url).toBe(false);
    }
    // The customer pages under those names, and another loopback port (another server), stay reachable.
    expect(ok('http://127.0.0.1:43123/?slot=Pixel')).toBe(true);
    expect(ok('http://127.0.0.1:9999/console/')).toBe(true);
    expect(ok(`${APP_ORIGIN}/consoles/`)).toBe(true);
  });

  it('denies window.open and webviews and blocks navigation off the web', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    guardPhoneContents(contents as never, () => APP_ORIGIN);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledWith(denyWindowOpen);
    const event = (url: string, isMainFrame = true) => ({ preventDefault: vi.fn(), url, isMainFrame });
    const web = event('https://elsewhere.test/');
    contents.emit('will-navigate', web, web.url);
    expect(web.preventDefault).not.toHaveBeenCalled();
    const file = event('file:///etc/passwd');
    contents.emit('will-navigate', file, file.url);
    expect(file.preventDefault).toHaveBeenCalled();
    const consoleRedirect = event(`${APP_ORIGIN}/console/`);
    contents.emit('will-redirect', consoleRedirect, consoleRedirect.url);
    expect(consoleRedirect.preventDefault).toHaveBeenCalled();
    const blankFrame = event('about:blank', false);
    contents.emit('will-frame-navigate', blankFrame);
    expect(blankFrame.preventDefault).not.toHaveBeenCalled();
    const webview = event('');
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('refuses every permission in the phone session', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    lockDownPhoneSession({ setPermissionRequestHandler: (h: never) => (request = h), setPermissionCheckHandler: (h: never) => (check = h) } as never);
    const callback = vi.fn();
    request!({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(check!()).toBe(false);
  });
});
