import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { memoryCredentialStore } from '../../core/authenticator/credentials.js';
import { createAuthenticator } from '../../core/authenticator/createAuthenticator.js';
import type { LocalAuthDecision } from '../../core/authenticator/localAuth.js';
import { builtInProfiles } from '../../core/authenticator/profiles.js';
import { toBase64 } from '../../core/browser/index.js';
import { sha256 } from '../../core/webauthn/hash.js';
import { attachPhoneDebugger, type PhoneAuthRequest } from '../../electron/phoneDebugger.js';
import { GATE_BINDING, GATE_RESOLVE, gateScript } from '../../electron/phoneGateScript.js';
import { fakeDebugger, settle } from './fakes.js';

async function phoneWithOneCredential() {
  const profile = builtInProfiles['windows-hello']!;
  const credentials = memoryCredentialStore();
  const authenticator = createAuthenticator({ profile, credentials, seed: 'electron-debugger' });
  const made = await authenticator.makeCredential({ rpId: 'example.test', clientDataHash: sha256(new Uint8Array([1])), user: { id: new Uint8Array([7]), name: 'u', displayName: 'U' }, pubKeyCredParams: [{ alg: -7 }], residentKey: 'required' });
  const stored = credentials.get(made.credentialId)!;
  const inBrowser = (signCount: number) => [{ credentialId: toBase64(stored.id), isResidentCredential: true, rpId: 'example.test', privateKey: toBase64(stored.privateKey), signCount }];
  return { profile, credentials, stored, inBrowser };
}

const ask = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'ask', id, ceremony: 'get', rpId: 'example.test', userVerification: 'preferred', ...extra });

describe('attachPhoneDebugger (webContents.debugger, same CDP commands as pkh browse)', () => {
  it('without a prompt: configures the authenticator from the profile, loads the phone, writes the browser counter back and detaches', async () => {
    const { profile, credentials, stored, inBrowser } = await phoneWithOneCredential();
    const { dbg, sent } = fakeDebugger(() => inBrowser(5));
    const session = await attachPhoneDebugger({ debugger: dbg, profile, credentials });
    expect(dbg.isAttached()).toBe(true);
    expect(sent.map((s) => s.method)).toEqual(['WebAuthn.enable', 'WebAuthn.addVirtualAuthenticator', 'WebAuthn.addCredential']);
    expect(sent[1]!.params).toMatchObject({ options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, automaticPresenceSimulation: true } });
    expect(sent[2]!.params).toMatchObject({ authenticatorId: 'va-1', credential: { rpId: 'example.test', isResidentCredential: true, privateKey: toBase64(stored.privateKey) } });
    expect(session.limits.map((l) => l.field)).toContain('aaguid');

    await expect(session.close()).resolves.toMatchObject({ added: [], updated: [expect.any(String)] });
    expect(credentials.get(stored.id)!.signCount).toBe(5);
    expect(sent.at(-1)!.method).toBe('WebAuthn.removeVirtualAuthenticator');
    expect(dbg.isAttached()).toBe(false);
  });

  it('with a prompt: the authenticator starts closed and the page gets the gate (binding + init script)', async () => {
    const { profile, credentials } = await phoneWithOneCredential();
    const { dbg, sent } = fakeDebugger();
    await attachPhoneDebugger({ debugger: dbg, profile, credentials, localAuth: async () => 'approve' });
    const after = sent.slice(3);
    expect(after).toEqual([
      { method: 'WebAuthn.setAutomaticPresenceSimulation', params: { authenticatorId: 'va-1', enabled: false } },
      { method: 'WebAuthn.setUserVerified', params: { authenticatorId: 'va-1', isUserVerified: false } },
      { method: 'Runtime.enable', params: undefined },
      { method: 'Runtime.addBinding', params: { name: GATE_BINDING } },
      { method: 'Page.enable', params: undefined },
      { method: 'Page.addScriptToEvaluateOnNewDocument', params: { source: gateScript() } },
    ]);
  });

  it('approve: asks per ceremony with the frame origin from CDP, opens the authenticator (presence + UV), lets the page proceed, closes and syncs when done', async () => {
    const { profile, credentials, stored, inBrowser } = await phoneWithOneCredential();
    const { dbg, sent } = fakeDebugger(() => inBrowser(9));
    const asked: PhoneAuthRequest[] = [];
    const synced = vi.fn();
    await attachPhoneDebugger({ debugger: dbg, profile, credentials, onSynced: synced, localAuth: async (request) => (asked.push(request), 'approve') });
    sent.length = 0;

    dbg.emitCdp('Runtime.executionContextCreated', { context: { id: 3, origin: 'https://example.test' } });
    dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 3, payload: ask('1-a') });
    await settle();
    expect(asked).toEqual([expect.objectContaining({ ceremony: 'get', rpId: 'example.test', origin: 'https://example.test', userVerification: 'preferred' })]);
    expect(sent.map((s) => [s.method, s.params?.enabled ?? s.params?.isUserVerified ?? s.params?.contextId])).toEqual([
      ['WebAuthn.setUserVerified', true],
      ['WebAuthn.setAutomaticPresenceSimulation', true],
      ['Runtime.evaluate', 3],
    ]);
    expect(sent[2]!.params!.expression).toBe(`window[${JSON.stringify(GATE_RESOLVE)}]("1-a", "proceed")`);

    sent.length = 0;
    dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 3, payload: JSON.stringify({ type: 'done', id: '1-a' }) });
    await settle();
    await settle();
    expect(sent.map((s) => s.method)).toEqual(['WebAuthn.setAutomaticPresenceSimulation', 'WebAuthn.setUserVerified', 'WebAuthn.getCredentials']);
    expect(sent[0]!.params).toEqual({ authenticatorId: 'va-1', enabled: false });
    expect(credentials.get(stored.id)!.signCount).toBe(9);
    expect(synced).toHaveBeenCalledWith(expect.objectContaining({ updated: [expect.any(String)] }));
  });

  it('deny / timeout never reach Chromium: the page is told to refuse (NotAllowedError) and the authenticator stays closed', async () => {
    for (const decision of ['deny', 'timeout'] as LocalAuthDecision[]) {
      const { profile, credentials } = await phoneWithOneCredential();
      const { dbg, sent } = fakeDebugger();
      await attachPhoneDebugger({ debugger: dbg, profile, credentials, localAuth: async () => decision });
      sent.length = 0;
      dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 4, payload: ask('2-b') });
      await settle();
      expect(sent).toEqual([{ method: 'Runtime.evaluate', params: { contextId: 4, expression: `window[${JSON.stringify(GATE_RESOLVE)}]("2-b", ${JSON.stringify(decision)})` } }]);
    }
  });

  it('uv-unavailable: UP-only when the RP allows it (UV off), refused when the RP requires UV', async () => {
    const { profile, credentials } = await phoneWithOneCredential();
    const { dbg, sent } = fakeDebugger();
    await attachPhoneDebugger({ debugger: dbg, profile, credentials, localAuth: async () => 'uv-unavailable' });
    sent.length = 0;
    dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 5, payload: ask('3-c', { userVerification: 'discouraged' }) });
    await settle();
    expect(sent.slice(0, 2).map((s) => s.params)).toEqual([{ authenticatorId: 'va-1', isUserVerified: false }, { authenticatorId: 'va-1', enabled: true }]);
    sent.length = 0;
    dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 5, payload: ask('3-d', { userVerification: 'required' }) });
    await settle();
    expect(sent).toEqual([expect.objectContaining({ method: 'Runtime.evaluate', params: expect.objectContaining({ expression: expect.stringContaining('"uv-unavailable"') }) })]);
  });

  it('ignores forged or malformed binding payloads and other bindings', async () => {
    const { profile, credentials } = await phoneWithOneCredential();
    const { dbg, sent } = fakeDebugger();
    const localAuth = vi.fn(async () => 'approve' as const);
    await attachPhoneDebugger({ debugger: dbg, profile, credentials, localAuth });
    sent.length = 0;
    for (const payload of ['not json', JSON.stringify({ type: 'ask', id: '"); evil(); ("', ceremony: 'get' }), JSON.stringify({ type: 'ask', id: 'x', ceremony: 'sign-anything' }), 'x'.repeat(5000)]) {
      dbg.emitCdp('Runtime.bindingCalled', { name: GATE_BINDING, executionContextId: 1, payload });
    }
    dbg.emitCdp('Runtime.bindingCalled', { name: 'otherBinding', executionContextId: 1, payload: ask('1') });
    await settle();
    expect(localAuth).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });
});

describe('gate script (the page side), run in a fresh realm', () => {
  function page() {
    const calls: string[] = [];
    const sentToMain: Record<string, unknown>[] = [];
    const proto = { create: async () => (calls.push('create'), { id: 'cred' }), get: async () => (calls.push('get'), { id: 'assertion' }) };
    const window: Record<string, unknown> = {
      navigator: { credentials: Object.create(proto) },
      location: { hostname: 'example.test' },
      DOMException,
      PublicKeyCredential: { isConditionalMediationAvailable: () => Promise.resolve(true) },
      [GATE_BINDING]: (payload: string) => void sentToMain.push(JSON.parse(payload)),
    };
    window.window = window;
    runInNewContext(gateScript(), window);
    const credentials = (window.navigator as { credentials: { create(r: unknown): Promise<unknown>; get(r: unknown): Promise<unknown> } }).credentials;
    const resolve = (id: string, answer: string) => (window[GATE_RESOLVE] as (id: string, answer: string) => void)(id, answer);
    return { calls, sentToMain, credentials, resolve, window };
  }

  it('asks main before Chromium is reached; "proceed" calls the original and reports done', async () => {
    const p = page();
    const pending = p.credentials.get({ publicKey: { rpId: 'example.test', userVerification: 'required', challenge: new Uint8Array(8) } });
    await settle();
    expect(p.calls).toEqual([]);
    expect(p.sentToMain).toEqual([expect.objectContaining({ type: 'ask', ceremony: 'get', rpId: 'example.test', userVerification: 'required' })]);
    p.resolve(p.sentToMain[0]!.id as string, 'proceed');
    await expect(pending).resolves.toEqual({ id: 'assertion' });
    expect(p.calls).toEqual(['get']);
    expect(p.sentToMain[1]).toEqual({ type: 'done', id: p.sentToMain[0]!.id });
  });

  it('a denial rejects with NotAllowedError without calling Chromium', async () => {
    const p = page();
    const pending = p.credentials.create({ publicKey: { rp: { name: 'x' }, user: { name: 'alice' } } });
    await settle();
    expect(p.sentToMain[0]).toMatchObject({ ceremony: 'create', rpId: 'example.test', userName: 'alice', userVerification: 'preferred' });
    p.resolve(p.sentToMain[0]!.id as string, 'deny');
    await expect(pending).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(p.calls).toEqual([]);
  });

  it('conditional mediation (autofill) never asks main or reaches Chromium: unavailable, and a request waits for its abort', async () => {
    const p = page();
    const available = (p.window.PublicKeyCredential as { isConditionalMediationAvailable(): Promise<boolean> }).isConditionalMediationAvailable;
    await expect(available()).resolves.toBe(false);
    const controller = new AbortController();
    const pending = p.credentials.get({ mediation: 'conditional', signal: controller.signal, publicKey: { rpId: 'example.test', challenge: new Uint8Array(8) } });
    await settle();
    expect(p.sentToMain).toEqual([]);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(p.calls).toEqual([]);
    // A modal request afterwards still asks main.
    void p.credentials.get({ publicKey: { rpId: 'example.test', challenge: new Uint8Array(8) } });
    await settle();
    expect(p.sentToMain).toEqual([expect.objectContaining({ type: 'ask', ceremony: 'get' })]);
  });

  it('the resolver cannot be replaced by the page', () => {
    const p = page();
    const before = p.window[GATE_RESOLVE];
    expect(() => runInNewContext(`'use strict'; window[${JSON.stringify(GATE_RESOLVE)}] = () => {}`, p.window)).toThrow();
    expect(p.window[GATE_RESOLVE]).toBe(before);
  });
});
