import { HarnessError } from '../errors.js';
import { CHANNEL_NAMES, type HarnessApi } from './channels.js';
import { unwrapReply } from './reply.js';

export interface HttpHarnessClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8787`; calls go to `POST {baseUrl}/api/harness/{channel}`. */
  baseUrl: string;
  /** Injected for tests and for the renderer; defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Extra headers (e.g. a CSRF token the server hands the console). */
  headers?: Record<string, string>;
}

/**
 * `HarnessApi` over HTTP: the CLI's `--server URL` and the console in browser mode. Failures
 * come back as HarnessError with the server's code; an unreachable server is SERVER_UNAVAILABLE.
 * Browser-safe (fetch only).
 */
export function createHttpHarnessClient(options: HttpHarnessClientOptions | string): HarnessApi {
  const { baseUrl, fetch: fetchImpl = globalThis.fetch, headers = {} } = typeof options === 'string' ? { baseUrl: options } : options;
  const root = baseUrl.replace(/\/+$/, '');
  // core/http's CSRF check wants its custom header and an allowed Origin; browsers add Origin
  // themselves (and forbid setting it), Node's fetch does not.
  const inBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  const csrf: Record<string, string> = inBrowser ? { 'x-harness-csrf': '1' } : { 'x-harness-csrf': '1', origin: new URL(root).origin };
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of CHANNEL_NAMES) {
    api[name] = async (input) => {
      let response: Response;
      try {
        response = await fetchImpl(`${root}/api/harness/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...csrf, ...headers },
          body: JSON.stringify(input ?? {}),
        });
      } catch (error) {
        throw new HarnessError('SERVER_UNAVAILABLE', `Cannot reach ${root}: ${(error as Error).message}`, { cause: error });
      }
      let reply: unknown;
      try {
        reply = await response.json();
      } catch (error) {
        throw new HarnessError('SERVER_UNAVAILABLE', `${root} answered ${response.status} without a harness reply`, { cause: error });
      }
      return unwrapReply(reply, () => new HarnessError('SERVER_UNAVAILABLE', `${root} answered ${response.status} without a harness reply`));
    };
  }
  return api as unknown as HarnessApi;
}
