// The shim module is browser-safe; it is the same code the console used to inject, now run inside the page.
import { installCredentialsShim, type PageWindow } from '../console/webauthnShim.js';

/**
 * The customer page inside one of the console's phone frames. The frame is another origin than
 * the console (issue 11 item 8: a script in a customer page must reach neither the console's token
 * nor its bridge), so the console can no longer reach in and replace `navigator.credentials`.
 * Instead the page installs the phone's `navigator.credentials` itself and forwards each ceremony
 * to the console by postMessage; the console shows the device prompt, calls the phone with its own
 * token and answers with the WebAuthn JSON only. The page also reports its own API answers, which
 * the console's timeline shows. Message shapes: renderer/console/phoneFrameHost.ts.
 */
export const PHONE_FRAME_PROTOCOL = 'passkey-harness/phone-frame@1';

export interface PhoneFrameParams {
  phone: string;
  consoleOrigin: string;
  platform: boolean;
}

/** `?slot=NAME&console=ORIGIN[&platform=0]` when framed by the console; undefined otherwise. */
export function phoneFrameParams(win: Pick<Window, 'location' | 'parent'> & { top?: unknown }): PhoneFrameParams | undefined {
  if (win.parent === (win as unknown)) return undefined;
  const query = new URLSearchParams(win.location.search);
  const phone = query.get('slot');
  const consoleParam = query.get('console');
  if (!phone || !consoleParam) return undefined;
  let consoleOrigin: string;
  try {
    const url = new URL(consoleParam);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    consoleOrigin = url.origin;
  } catch {
    return undefined;
  }
  return { phone, consoleOrigin, platform: query.get('platform') !== '0' };
}

interface ReplyMessage {
  protocol: typeof PHONE_FRAME_PROTOCOL;
  kind: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}

export function installPhoneFrameBridge(win: Window, params: PhoneFrameParams): void {
  let next = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  const post = (message: Record<string, unknown>) => win.parent.postMessage({ protocol: PHONE_FRAME_PROTOCOL, ...message }, params.consoleOrigin);

  win.addEventListener('message', (event: MessageEvent) => {
    // Only the console that framed us answers.
    if (event.source !== win.parent || event.origin !== params.consoleOrigin) return;
    const data = event.data as ReplyMessage | undefined;
    if (!data || data.protocol !== PHONE_FRAME_PROTOCOL || data.kind !== 'reply') return;
    const pending = waiting.get(data.id);
    if (!pending) return;
    waiting.delete(data.id);
    if (data.ok) pending.resolve(data.value);
    else pending.reject(data.error ?? { code: 'INTERNAL', message: 'the console gave no answer' });
  });

  const call = <T>(kind: 'ceremony' | 'signal', body: Record<string, unknown>, signal?: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const aborted = () => new DOMException('The operation was aborted', 'AbortError');
      if (signal?.aborted) return reject(aborted());
      const id = ++next;
      // The page gave up (its own timeout, or its AbortController): the console closes that request's prompt
      // as timed out, so an approval nobody waits for makes no key.
      const cancel = () => {
        if (!waiting.delete(id)) return;
        post({ kind: 'cancel', id });
        reject(aborted());
      };
      const settle = <A>(fn: (arg: A) => void) => (arg: A) => {
        signal?.removeEventListener('abort', cancel);
        fn(arg);
      };
      waiting.set(id, { resolve: settle(resolve as (value: unknown) => void), reject: settle(reject) });
      signal?.addEventListener('abort', cancel, { once: true });
      post({ kind, id, ...body });
    });

  installCredentialsShim(win as unknown as PageWindow, {
    phone: params.phone,
    platform: params.platform,
    // The console asks QA for the real decision when the ceremony reaches it; nothing the page sends is trusted for it.
    decide: () => Promise.resolve('approve'),
    api: {
      'phones.createCredential': (input, { signal } = {}) => call('ceremony', { ceremony: 'create', options: input.options }, signal),
      'phones.getAssertion': (input, { signal } = {}) => call('ceremony', { ceremony: 'get', options: input.options }, signal),
      'phones.signal': (input) => call('signal', { input }),
    },
  });

  // The console's timeline shows the server's verdicts, mail sent and who signed in: report our own API answers.
  const original = win.fetch.bind(win);
  win.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await original(input, init);
    const path = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url, win.location.href).pathname;
    if (path.startsWith('/api/')) {
      void response
        .clone()
        .json()
        .catch(() => ({}))
        .then((body: unknown) => post({ kind: 'api', path, ok: response.ok, body }));
    }
    return response;
  };
}
