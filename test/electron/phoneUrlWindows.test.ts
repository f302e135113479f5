import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { memoryCredentialStore } from '../../core/authenticator/credentials.js';
import { createAuthenticator } from '../../core/authenticator/createAuthenticator.js';
import { toBase64 } from '../../core/browser/index.js';
import { memoryPhoneRegistry } from '../../core/harness/phoneRegistry.js';
import { sha256 } from '../../core/webauthn/hash.js';
import { ManualClock } from '../../core/clock.js';
import type { PhonePromptEvent, PhoneUrlClosedEvent } from '../../electron/ipc.js';
import { GATE_BINDING, GATE_RESOLVE } from '../../electron/phoneGateScript.js';
import { createPhoneUrlWindows, phoneFromRegistry } from '../../electron/phoneUrlWindows.js';
import { createPromptBroker } from '../../electron/promptBroker.js';
import { fakeDebugger, settle } from './fakes.js';

async function setUp() {
  const registry = memoryPhoneRegistry(new ManualClock(Date.UTC(2026, 0, 1)));
  const record = registry.create('Pixel', 'android-gpm');
  const authenticator = createAuthenticator({ profile: (await import('../../core/authenticator/profiles.js')).builtInProfiles['android-gpm']!, credentials: record.credentials, seed: 'phone-url' });
  const made = await authenticator.makeCredential({ rpId: 'example.test', clientDataHash: sha256(new Uint8Array([2])), user: { id: new Uint8Array([9]), name: 'alice', displayName: 'Alice' }, pubKeyCredParams: [{ alg: -7 }], residentKey: 'required' });
  const stored = record.credentials.get(made.credentialId)!;
  let signCount = 0;
  const { dbg, sent } = fakeDebugger(() => [{ credentialId: toBase64(stored.id), isResidentCredential: true, rpId: 'example.test', privateKey: toBase64(stored.privateKey), signCount }]);
  const prompts: PhonePromptEvent[] = [];
  const closedEvents: PhoneUrlClosedEvent[] = [];
  const window = Object.assign(new EventEmitter(), {
    webContents: { debugger: dbg },
    loadURL: vi.fn(async () => undefined),
    close: vi.fn(),
    destroy: vi.fn(() => void (destroyed = true)),
    focus: vi.fn(),
    isDestroyed: () => destroyed,
  });
  let destroyed = false;
  const created: unknown[] = [];
  let nextId = 0;
  const broker = createPromptBroker({ send: (event) => void prompts.push(event), newId: () => `req-${++nextId}` });
  const windows = createPhoneUrlWindows({
    prompts: broker,
    phoneFor: phoneFromRegistry(registry),
    notifyClosed: (event) => void closedEvents.push(event),
    appOrigin: () => 'http://localhost:8787',
    createWindow: (options) => (created.push(options), window as never),
  });
  return { registry, stored, sent, dbg, prompts, closedEvents, window, created, broker, windows, setSignCount: (n: number) => (signCount = n) };
}

describe('phone windows (open an arbitrary URL in a phone)', () => {
  it('opens a secured phone-sized window, loads the phone into the debugger, then the URL', async () => {
    const t = await setUp();
    const opened = await t.windows.open({ phone: 'Pixel', url: 'https://example.test/login' });
    expect(opened).toMatchObject({ phone: 'Pixel', url: 'https://example.test/login', limits: expect.arrayContaining(['aaguid']) });
    expect(t.created).toEqual([expect.objectContaining({ webPreferences: expect.objectContaining({ sandbox: true, contextIsolation: true, nodeIntegration: false, partition: 'phone-url:Pixel' }) })]);
    expect(t.sent.map((s) => s.method)).toContain('WebAuthn.addCredential');
    expect(t.sent.map((s) => s.method)).toContain('Page.addScriptToEvaluateOnNewDocument');
    expect(t.window.loadURL).toHaveBeenCalledWith('https://example.test/login');
    expect(t.windows.openPhones()).toEqual(['Pixel']);
  });

  it('an unknown phone is PHONE_NOT_FOUND and no window is created', async () => {
    const t = await setUp();
    await expect(t.windows.open({ phone: 'Nobody', url: 'https://example.test/' })).rejects.toMatchObject({ code: 'PHONE_NOT_FOUND' });
    expect(t.created).toEqual([]);
  });

  it("the app's own console is refused before any window opens or loads, under any loopback name (loadURL fires no will-navigate)", async () => {
    const t = await setUp();
    for (const url of ['http://localhost:8787/console/', 'http://127.0.0.1:8787/console/index.html']) {
      await expect(t.windows.open({ phone: 'Pixel', url })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('console') });
    }
    expect(t.created).toEqual([]);
    await t.windows.open({ phone: 'Pixel', url: 'http://localhost:8787/' });
    await expect(t.windows.open({ phone: 'Pixel', url: 'http://[::1]:8787/console/' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(t.window.loadURL.mock.calls).toEqual([['http://localhost:8787/']]);
  });

  it('prompt round trip: the ceremony asks the console, approve → user verified + presence, then the page proceeds', async () => {
    const t = await setUp();
    await t.windows.open({ phone: 'Pixel', url: 'https://example.test/login' });
    t.sent.length = 0;
    t.dbg.emitCdp('Runtime.executionContextCreated', { context: { id: 7, origin: 'https://example.test' } });
    t.dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 7, payload: JSON.stringify({ type: 'ask', id: '1-x', ceremony: 'get', rpId: 'example.test', userVerification: 'required' }) });
    await settle();
    expect(t.prompts).toEqual([{ requestId: 'req-1', phone: 'Pixel', ceremony: 'get', origin: 'https://example.test', rpId: 'example.test', userName: undefined, userVerification: 'required' }]);
    expect(t.sent).toEqual([]);

    expect(t.broker.answer({ requestId: 'req-1', decision: 'approve' })).toEqual({ requestId: 'req-1', accepted: true });
    await settle();
    expect(t.sent.map((s) => [s.method, s.params])).toEqual([
      ['WebAuthn.setUserVerified', { authenticatorId: 'va-1', isUserVerified: true }],
      ['WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: 'va-1', enabled: true }],
      ['Runtime.evaluate', { contextId: 7, expression: `window[${JSON.stringify(GATE_RESOLVE)}]("1-x", "proceed")` }],
    ]);
    // Answered once: a replayed answer is NOT_FOUND.
    expect(() => t.broker.answer({ requestId: 'req-1', decision: 'approve' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('prompt round trip: deny → the page is told to refuse (NotAllowedError path), presence never turned on', async () => {
    const t = await setUp();
    await t.windows.open({ phone: 'Pixel', url: 'https://example.test/login' });
    t.sent.length = 0;
    t.dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 2, payload: JSON.stringify({ type: 'ask', id: '1-y', ceremony: 'create', rpId: 'example.test', userName: 'alice', userVerification: 'preferred' }) });
    await settle();
    t.broker.answer({ requestId: t.prompts[0]!.requestId, decision: 'deny' });
    await settle();
    expect(t.sent).toEqual([{ method: 'Runtime.evaluate', params: { contextId: 2, expression: `window[${JSON.stringify(GATE_RESOLVE)}]("1-y", "deny")` } }]);
  });

  it('a prompt nobody answers ends as a time-out', async () => {
    vi.useFakeTimers();
    try {
      const sentEvents: PhonePromptEvent[] = [];
      const broker = createPromptBroker({ send: (e) => void sentEvents.push(e), newId: () => 'only', timeoutMs: 1000 });
      const decision = broker.ask({ phone: 'Pixel', ceremony: 'get', origin: 'https://a.test', rpId: 'a.test', userVerification: 'preferred' });
      vi.advanceTimersByTime(1000);
      await expect(decision).resolves.toBe('timeout');
      expect(broker.pending()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('closing the window syncs the browser counter back to the vault before the debugger goes, then tells the console', async () => {
    const t = await setUp();
    await t.windows.open({ phone: 'Pixel', url: 'https://example.test/login' });
    t.setSignCount(4);
    const closeEvent = { preventDefault: vi.fn() };
    t.window.emit('close', closeEvent);
    expect(closeEvent.preventDefault).toHaveBeenCalled();
    await settle();
    await settle();
    expect(t.registry.get('Pixel').credentials.get(t.stored.id)!.signCount).toBe(4);
    const methods = t.sent.map((s) => s.method);
    expect(methods.lastIndexOf('WebAuthn.getCredentials')).toBeLessThan(methods.lastIndexOf('WebAuthn.removeVirtualAuthenticator'));
    expect(t.dbg.isAttached()).toBe(false);
    expect(t.window.destroy).toHaveBeenCalled();
    expect(t.closedEvents).toEqual([{ phone: 'Pixel', synced: { added: [], updated: [expect.any(String)] } }]);
    expect(t.windows.openPhones()).toEqual([]);
  });

  it('closing the window cancels its pending prompt (time-out) and closeUrl for a closed phone says closed: false', async () => {
    const t = await setUp();
    await t.windows.open({ phone: 'Pixel', url: 'https://example.test/' });
    t.dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 2, payload: JSON.stringify({ type: 'ask', id: '9-z', ceremony: 'get', rpId: 'example.test', userVerification: 'preferred' }) });
    await settle();
    expect(t.broker.pending()).toEqual(['req-1']);
    await expect(t.windows.close({ phone: 'Pixel' })).resolves.toEqual({ phone: 'Pixel', closed: true });
    expect(t.broker.pending()).toEqual([]);
    await expect(t.windows.close({ phone: 'Pixel' })).resolves.toEqual({ phone: 'Pixel', closed: false });
    await expect(t.windows.close({ phone: 'Nobody' })).rejects.toMatchObject({ code: 'PHONE_NOT_FOUND' });
  });
});
