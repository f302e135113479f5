import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../../core/errors.js';
import { bindHarness } from '../../../core/harness/bindHarness.js';
import { CHANNEL_NAMES, channels, type HarnessApi, type HarnessImplementation } from '../../../core/harness/channels.js';
import { createHttpHarnessClient } from '../../../core/harness/createHttpHarnessClient.js';
import { handleHarnessCall } from '../../../core/harness/handleHarnessCall.js';

/** An implementation whose every method echoes what it was called with. */
function echoImplementation(calls: unknown[] = []): HarnessImplementation {
  const impl: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const name of CHANNEL_NAMES) impl[name] = async (args) => (calls.push(args), { channel: name, input: args });
  return impl as unknown as HarnessImplementation;
}

/** What IPC and HTTP call: the implementation behind bindHarness, as createHarness builds it. */
function echoHarness(calls: unknown[] = []): HarnessApi {
  return bindHarness(echoImplementation(calls));
}

describe('channel map', () => {
  it('covers what the CLI and the console need', () => {
    for (const name of ['users.create', 'otp.enroll', 'mailbox.list', 'phones.createCredential', 'phones.getAssertion', 'enroll', 'login', 'admin.reset', 'admin.verifyAudit', 'scenarios.run']) {
      expect(CHANNEL_NAMES).toContain(name);
    }
    for (const name of CHANNEL_NAMES) expect(channels[name].summary.length).toBeGreaterThan(0);
  });
});

describe('handleHarnessCall', () => {
  it('validates and applies defaults before calling the harness', async () => {
    const reply = await handleHarnessCall(echoHarness(), 'phones.create', { name: 'p' });
    expect(reply).toEqual({ ok: true, value: { channel: 'phones.create', input: { name: 'p', profile: 'iphone-icloud' } } });
  });

  it('refuses an unknown channel with NOT_FOUND', async () => {
    expect(await handleHarnessCall(echoHarness(), '__proto__', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await handleHarnessCall(echoHarness(), 'toString', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses extra keys and wrong types with INVALID_INPUT naming the path', async () => {
    const extra = await handleHarnessCall(echoHarness(), 'users.show', { username: 'a', admin: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const wrong = await handleHarnessCall(echoHarness(), 'phones.createCredential', { phone: 'p', options: {}, origin: 'not a url', decision: 'maybe' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect((wrong.error.details?.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['decision', 'origin']);
  });

  it('admin.reset without a reason is refused before reaching the implementation', async () => {
    const calls: unknown[] = [];
    expect(await handleHarnessCall(echoHarness(calls), 'admin.reset', { username: 'a', reason: '   ' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(calls).toEqual([]);
  });

  it('validates once: the input reaches the harness as sent, and the harness (bindHarness) parses it', async () => {
    const seen: unknown[] = [];
    const raw = { ...echoHarness(), 'phones.create': async (input: unknown) => (seen.push(input), { name: 'p' }) } as HarnessApi;
    const input = { name: 'p' };
    expect(await handleHarnessCall(raw, 'phones.create', input)).toEqual({ ok: true, value: { name: 'p' } });
    expect(seen).toEqual([input]);
    expect(seen[0]).toBe(input);
  });

  it('shapes thrown errors as code + message, never a stack', async () => {
    const harness = { ...echoHarness(), 'users.list': async () => Promise.reject(new HarnessError('STORE_BUSY', 'busy')) } as HarnessApi;
    expect(await handleHarnessCall(harness, 'users.list', {})).toEqual({ ok: false, error: { code: 'STORE_BUSY', message: 'busy' } });
    const crashing = { ...echoHarness(), 'users.list': async () => Promise.reject(new Error('secret internals at /path')) } as HarnessApi;
    expect(await handleHarnessCall(crashing, 'users.list', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
  });
});

describe('createHttpHarnessClient', () => {
  it('POSTs the input to /api/harness/:channel with the CSRF header and unwraps ok replies', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ ok: true, value: [{ name: 'p' }] }));
    }) as unknown as typeof globalThis.fetch;
    const api = createHttpHarnessClient({ baseUrl: 'http://localhost:8787/', fetch });
    expect(await api['phones.list']({})).toEqual([{ name: 'p' }]);
    expect(calls[0]!.url).toBe('http://localhost:8787/api/harness/phones.list');
    expect(calls[0]!.init.headers).toMatchObject({ 'x-harness-csrf': '1', origin: 'http://localhost:8787', 'content-type': 'application/json' });
  });

  it('throws HarnessError with the server code', async () => {
    const fetch = (async () => new Response(JSON.stringify({ ok: false, error: { code: 'OTP_INVALID', message: 'wrong code' } }), { status: 400 })) as unknown as typeof globalThis.fetch;
    await expect(createHttpHarnessClient({ baseUrl: 'http://x', fetch }).login({ phone: 'p' })).rejects.toMatchObject({ code: 'OTP_INVALID', message: 'wrong code' });
  });

  it('maps unknown codes to INTERNAL and unreachable or non-harness servers to SERVER_UNAVAILABLE', async () => {
    const odd = (async () => new Response(JSON.stringify({ ok: false, error: { code: 'WHATEVER', message: 'm' } }))) as unknown as typeof globalThis.fetch;
    await expect(createHttpHarnessClient({ baseUrl: 'http://x', fetch: odd })['users.list']({})).rejects.toMatchObject({ code: 'INTERNAL' });
    const down = (async () => Promise.reject(new TypeError('fetch failed'))) as unknown as typeof globalThis.fetch;
    await expect(createHttpHarnessClient({ baseUrl: 'http://x', fetch: down })['users.list']({})).rejects.toMatchObject({ code: 'SERVER_UNAVAILABLE' });
    const html = (async () => new Response('<html>', { status: 502 })) as unknown as typeof globalThis.fetch;
    await expect(createHttpHarnessClient({ baseUrl: 'http://x', fetch: html })['users.list']({})).rejects.toMatchObject({ code: 'SERVER_UNAVAILABLE' });
  });
});
