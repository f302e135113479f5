import { HarnessError } from '../../core/errors.js';
// Browser-safe files, not the rooms' index.ts: core/harness, core/http and core/scenario's indexes
// also export Node-only code (SQLite, node:crypto, node:http, worker threads) that would enter the bundle.
import { CHANNEL_NAMES, type ChannelName, type HarnessApi } from '../../core/harness/channels.js';
import { createHttpHarnessClient } from '../../core/harness/createHttpHarnessClient.js';
import type { HarnessBridge } from '../../core/harness/desktopChannels.js';
import { unwrapReply, type Reply } from '../../core/harness/reply.js';
import { CSRF_HEADER } from '../../core/http/csrf.js';

export type { HarnessApi, ChannelName, ChannelInput, ChannelResult } from '../../core/harness/channels.js';
export type * from '../../core/harness/types.js';
export type { RunReport, ScenarioResult, StepResult } from '../../core/scenario/report.js';

export type ApiMode = 'electron' | 'http';

/** A preload reply back into its value, or its error as a HarnessError (what `HarnessApi` callers catch); checked at runtime too. */
export function unwrap<T>(channel: string, reply: Reply<T>): T {
  return unwrapReply<T>(reply, () => new HarnessError('INTERNAL', `${channel}: malformed reply`));
}

/** `HarnessApi` over the Electron preload bridge: replies are data, turned back into HarnessErrors here. */
export function createBridgeApi(bridge: HarnessBridge): HarnessApi {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const channel of CHANNEL_NAMES) {
    api[channel] = async (input) => {
      // One loop over every channel: the per-channel input types meet only at runtime (main validates them).
      const call = bridge[channel] as ((input: unknown) => Promise<Reply>) | undefined;
      if (!call) throw new HarnessError('NOT_FOUND', `The desktop bridge has no channel ${channel}`);
      return unwrap(channel, await call(input ?? {}));
    };
  }
  return api as unknown as HarnessApi;
}

/**
 * Chosen at runtime: the preload bridge inside Electron, otherwise the same API over HTTP
 * (`POST /api/harness/:channel` on the origin that served the console — browser mode).
 */
export interface ConsoleHost {
  /** The preload bridge (Electron); absent in a plain browser. */
  harness?: HarnessBridge;
  location: { origin: string; hash?: string; pathname?: string; search?: string };
  sessionStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  history?: { replaceState(data: unknown, unused: string, url?: string): void };
}

export const TOKEN_STORAGE_KEY = 'passkey-harness.token';

/**
 * The console's bearer token: `serve` prints `/console/#token=…` (a fragment never reaches the
 * server or its logs). It moves into sessionStorage (this tab only) and out of the address bar,
 * so it is not bookmarked or shared with a screenshot; a reload finds it in sessionStorage.
 */
export function readConsoleToken(target: ConsoleHost): string | undefined {
  const fragment = new URLSearchParams((target.location.hash ?? '').replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    target.sessionStorage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    target.history?.replaceState(null, '', `${target.location.pathname ?? ''}${target.location.search ?? ''}`);
    return fromUrl;
  }
  return target.sessionStorage?.getItem(TOKEN_STORAGE_KEY) ?? undefined;
}

export function createConsoleApi(target: ConsoleHost = globalThis as unknown as ConsoleHost): { api: HarnessApi; mode: ApiMode } {
  if (target.harness) return { api: createBridgeApi(target.harness), mode: 'electron' };
  const token = readConsoleToken(target);
  const headers: Record<string, string> = { [CSRF_HEADER]: '1', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return { api: createHttpHarnessClient({ baseUrl: target.location.origin, headers }), mode: 'http' };
}

export function callChannel<K extends ChannelName>(api: HarnessApi, channel: K, input: Parameters<HarnessApi[K]>[0]): ReturnType<HarnessApi[K]> {
  return (api[channel] as (value: unknown) => ReturnType<HarnessApi[K]>)(input);
}

/** What the UI shows for any failure: a readable message and the stable code. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof HarnessError) return { code: error.code, message: error.message };
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    return { code: String((error as { code: unknown }).code), message: String((error as { message: unknown }).message) };
  }
  if (error instanceof Error) return { code: error.name === 'NotAllowedError' ? 'NOT_ALLOWED' : 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}
