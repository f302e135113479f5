import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ ipcMain: { handle: vi.fn(), removeHandler: vi.fn() } }));

import { HarnessError } from '../../core/errors.js';
import { guardSender, type SenderEvent } from '../../electron/guardSender.js';
import { isTrustedSender } from '../../electron/security.js';

const APP_ORIGIN = 'http://localhost:43123';
const mainFrame = { url: `${APP_ORIGIN}/console/` };
const trusted = (event: SenderEvent) => isTrustedSender(event.senderFrame, { mainFrame, appOrigin: APP_ORIGIN });
const from = (senderFrame: unknown) => ({ senderFrame }) as SenderEvent;

describe('guardSender: the one sender check before every IPC handler', () => {
  it("hands the app window's payload to the handler and returns its reply unchanged", async () => {
    const handle = vi.fn(async (payload: unknown) => ({ ok: true as const, value: payload }));
    const reply = await guardSender('phones.list', trusted, handle)(from(mainFrame), { a: 1 });
    expect(reply).toEqual({ ok: true, value: { a: 1 } });
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('refuses a customer iframe, a phone window, another origin and no frame as FORBIDDEN data, without calling the handler', async () => {
    const handle = vi.fn(async () => ({ ok: true as const, value: null }));
    const guarded = guardSender('phone.openUrl', trusted, handle);
    for (const frame of [{ url: `${APP_ORIGIN}/?slot=Pixel` }, { url: 'https://example.test/login' }, { url: 'https://evil.example/' }, null]) {
      expect(await guarded(from(frame), {})).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'phone.openUrl: the sender is not the app window' } });
    }
    expect(handle).not.toHaveBeenCalled();
  });

  it('treats a sender check that throws (a destroyed frame) as untrusted', async () => {
    const handle = vi.fn(async () => ({ ok: true as const, value: null }));
    const throwing = () => {
      throw new HarnessError('INTERNAL', 'frame destroyed');
    };
    expect(await guardSender('phones.list', throwing, handle)(from(mainFrame), {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(handle).not.toHaveBeenCalled();
  });
});
