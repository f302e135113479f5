import { describe, expect, it, vi } from 'vitest';

// Electron's binary is not installable here; the IPC layer only needs ipcMain's shape.
vi.mock('electron', () => ({ ipcMain: { handle: vi.fn(), removeHandler: vi.fn() } }));

import { bindHarness } from '../../core/harness/bindHarness.js';
import type { HarnessImplementation } from '../../core/harness/channels.js';
import { CHANNEL_NAMES, ipcChannelName } from '../../electron/ipc.js';
import { createChannelHandler, registerIpcHandlers } from '../../electron/ipcHandlers.js';
import { isTrustedSender } from '../../electron/security.js';

const APP_ORIGIN = 'http://localhost:43123';
const mainFrame = { url: `${APP_ORIGIN}/console/` };

function fakeHarness(overrides: Partial<Record<string, (input: unknown) => Promise<unknown>>> = {}) {
  const calls: { channel: string; input: unknown }[] = [];
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of CHANNEL_NAMES) {
    api[name] = async (input) => {
      calls.push({ channel: name, input });
      return overrides[name] ? overrides[name]!(input) : { channel: name };
    };
  }
  // Bound as createHarness binds its implementation: the harness validates input once (bindHarness), behind the IPC handler.
  return { harness: bindHarness(api as unknown as HarnessImplementation), calls };
}

const trusted = (event: { senderFrame: unknown }) => isTrustedSender(event.senderFrame as never, { mainFrame, appOrigin: APP_ORIGIN });

describe('electron IPC handlers', () => {
  it('registers one ipcMain.handle per channel of the harness channel map, namespaced', () => {
    const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };
    const { harness } = fakeHarness();
    const dispose = registerIpcHandlers(ipcMain, { harness, isTrustedSender: trusted });
    expect(ipcMain.handle.mock.calls.map((call) => call[0])).toEqual(CHANNEL_NAMES.map(ipcChannelName));
    dispose();
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(CHANNEL_NAMES.length);
  });

  it('passes a valid payload from the app window to the harness and replies { ok, value }', async () => {
    const { harness, calls } = fakeHarness();
    const handler = createChannelHandler('phones.create', { harness, isTrustedSender: trusted });
    const reply = await handler({ senderFrame: mainFrame } as never, { name: 'Pixel', profile: 'android-gpm' });
    expect(reply).toEqual({ ok: true, value: { channel: 'phones.create' } });
    expect(calls).toEqual([{ channel: 'phones.create', input: { name: 'Pixel', profile: 'android-gpm' } }]);
  });

  it('refuses a payload that fails the channel schema (unknown key, wrong type) without calling the harness', async () => {
    const { harness, calls } = fakeHarness();
    const handler = createChannelHandler('phones.rename', { harness, isTrustedSender: trusted });
    const extraKey = await handler({ senderFrame: mainFrame } as never, { name: 'a', newName: 'b', __proto_pollution: true });
    const wrongType = await handler({ senderFrame: mainFrame } as never, { name: 42, newName: 'b' });
    const notAnObject = await handler({ senderFrame: mainFrame } as never, 'rm -rf /');
    for (const reply of [extraKey, wrongType, notAnObject]) {
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('INVALID_INPUT');
    }
    expect(calls).toEqual([]);
  });

  it('refuses an admin reset without a reason (schema requires one)', async () => {
    const { harness, calls } = fakeHarness();
    const handler = createChannelHandler('admin.reset', { harness, isTrustedSender: trusted });
    const reply = await handler({ senderFrame: mainFrame } as never, { username: 'alice', reason: '   ' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(calls).toEqual([]);
  });

  it('refuses a message from a foreign sender: a subframe, another origin, or no frame', async () => {
    const { harness, calls } = fakeHarness();
    const handler = createChannelHandler('phones.list', { harness, isTrustedSender: trusted });
    const customerIframe = { url: `${APP_ORIGIN}/?slot=phone` };
    const navigatedAway = { url: 'https://evil.example/' };
    for (const senderFrame of [customerIframe, navigatedAway, null, undefined]) {
      const reply = await handler({ senderFrame } as never, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    // The app window's own frame after it navigated off-origin is foreign too.
    const hijacked = { url: 'file:///etc/passwd' };
    const reply = await createChannelHandler('phones.list', {
      harness,
      isTrustedSender: (event) => isTrustedSender(event.senderFrame as never, { mainFrame: hijacked, appOrigin: APP_ORIGIN }),
    })({ senderFrame: hijacked } as never, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(calls).toEqual([]);
  });

  it('turns a harness failure into { code, message } without a stack', async () => {
    const { HarnessError } = await import('../../core/errors.js');
    const { harness } = fakeHarness({
      'phones.delete': async () => {
        throw new HarnessError('PHONE_NOT_FOUND', 'No phone named x');
      },
      'phones.list': async () => {
        throw new TypeError('secret internals at /home/user/file.ts:12');
      },
    });
    const known = await createChannelHandler('phones.delete', { harness, isTrustedSender: trusted })({ senderFrame: mainFrame } as never, { name: 'x' });
    expect(known).toEqual({ ok: false, error: { code: 'PHONE_NOT_FOUND', message: 'No phone named x' } });
    const unknown = await createChannelHandler('phones.list', { harness, isTrustedSender: trusted })({ senderFrame: mainFrame } as never, {});
    expect(unknown).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(JSON.stringify(unknown)).not.toContain('/home/user');
  });

  it('treats a sender check that throws as untrusted', async () => {
    const { harness, calls } = fakeHarness();
    const handler = createChannelHandler('phones.list', {
      harness,
      isTrustedSender: () => {
        throw new Error('frame destroyed');
      },
    });
    expect(await handler({ senderFrame: mainFrame } as never, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(calls).toEqual([]);
  });
});
