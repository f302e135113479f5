import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ ipcMain: { handle: vi.fn(), removeHandler: vi.fn() } }));

import { DESKTOP_CHANNEL_NAMES, desktopChannelName } from '../../electron/ipc.js';
import { createDesktopHandler, registerDesktopHandlers, type DesktopImplementation } from '../../electron/desktopHandlers.js';
import { isTrustedSender } from '../../electron/security.js';
import { HarnessError } from '../../core/errors.js';

const APP_ORIGIN = 'http://localhost:43123';
const mainFrame = { url: `${APP_ORIGIN}/console/` };
const trusted = (event: { senderFrame: unknown }) => isTrustedSender(event.senderFrame as never, { mainFrame, appOrigin: APP_ORIGIN });

function implementation() {
  const calls: { channel: string; args: unknown }[] = [];
  const impl: DesktopImplementation = {
    'phone.openUrl': async (args) => {
      calls.push({ channel: 'phone.openUrl', args });
      if (args.phone !== 'Pixel') throw new HarnessError('PHONE_NOT_FOUND', `no phone named ${args.phone}`);
      return { phone: args.phone, url: args.url, limits: [] };
    },
    'phone.closeUrl': async (args) => (calls.push({ channel: 'phone.closeUrl', args }), { phone: args.phone, closed: true }),
    'phone.promptAnswer': async (args) => (calls.push({ channel: 'phone.promptAnswer', args }), { requestId: args.requestId, accepted: true }),
  };
  return { impl, calls };
}

describe('desktop IPC channels (phone windows)', () => {
  it('registers one handler per desktop channel under desktop:, apart from the harness channels', () => {
    const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };
    const dispose = registerDesktopHandlers(ipcMain, { implementation: implementation().impl, isTrustedSender: trusted });
    expect(ipcMain.handle.mock.calls.map((c) => c[0])).toEqual(['desktop:phone.openUrl', 'desktop:phone.closeUrl', 'desktop:phone.promptAnswer']);
    expect(DESKTOP_CHANNEL_NAMES.map(desktopChannelName)).toEqual(ipcMain.handle.mock.calls.map((c) => c[0]));
    dispose();
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(3);
  });

  it('opens an http(s) URL for a phone from the app window', async () => {
    const { impl, calls } = implementation();
    const reply = await createDesktopHandler('phone.openUrl', { implementation: impl, isTrustedSender: trusted })({ senderFrame: mainFrame } as never, { phone: 'Pixel', url: 'https://example.test/login' });
    expect(reply).toEqual({ ok: true, value: { phone: 'Pixel', url: 'https://example.test/login', limits: [] } });
    expect(calls).toHaveLength(1);
  });

  it('refuses non-http URLs (file:, javascript:, data:, chrome:, relative) and extra keys without calling main', async () => {
    const { impl, calls } = implementation();
    const handler = createDesktopHandler('phone.openUrl', { implementation: impl, isTrustedSender: trusted });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'chrome://settings', '/relative', 'https://']) {
      expect(await handler({ senderFrame: mainFrame } as never, { phone: 'Pixel', url })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await handler({ senderFrame: mainFrame } as never, { phone: 'Pixel', url: 'https://a.test/', preload: '/tmp/x.js' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await handler({ senderFrame: mainFrame } as never, { phone: '', url: 'https://a.test/' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(calls).toEqual([]);
  });

  it('an unknown phone is PHONE_NOT_FOUND as data, no stack', async () => {
    const { impl } = implementation();
    const reply = await createDesktopHandler('phone.openUrl', { implementation: impl, isTrustedSender: trusted })({ senderFrame: mainFrame } as never, { phone: 'Nobody', url: 'https://example.test/' });
    expect(reply).toEqual({ ok: false, error: { code: 'PHONE_NOT_FOUND', message: 'no phone named Nobody' } });
  });

  it('refuses a prompt answer with an unknown decision or a malformed request id', async () => {
    const { impl, calls } = implementation();
    const handler = createDesktopHandler('phone.promptAnswer', { implementation: impl, isTrustedSender: trusted });
    expect(await handler({ senderFrame: mainFrame } as never, { requestId: 'abc', decision: 'approve-everything' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await handler({ senderFrame: mainFrame } as never, { requestId: 'a"b', decision: 'approve' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(calls).toEqual([]);
    expect(await handler({ senderFrame: mainFrame } as never, { requestId: 'abc-1', decision: 'deny' })).toEqual({ ok: true, value: { requestId: 'abc-1', accepted: true } });
  });

  it('refuses every desktop channel from a foreign sender: a phone window, a customer iframe, another origin, no frame', async () => {
    const { impl, calls } = implementation();
    const phoneWindowFrame = { url: 'https://example.test/login' };
    for (const channel of DESKTOP_CHANNEL_NAMES) {
      const handler = createDesktopHandler(channel, { implementation: impl, isTrustedSender: trusted });
      for (const senderFrame of [phoneWindowFrame, { url: `${APP_ORIGIN}/?slot=Pixel` }, null]) {
        expect(await handler({ senderFrame } as never, { phone: 'Pixel', url: 'https://example.test/', requestId: 'a', decision: 'approve' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
    }
    expect(calls).toEqual([]);
  });
});
