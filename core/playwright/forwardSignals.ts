import type { BrowserContext, Page } from 'playwright-core';
import { HarnessError } from '../errors.js';
import { parseSignal, type Phone, type SignalResult } from '../phone/index.js';

/** Name of the binding the page-side Signal API calls. */
export const SIGNAL_BINDING = '__passkeyHarnessSignal';

/**
 * Page side, as source text (plain ES2017, before page scripts): `PublicKeyCredential.signal*`
 * (WebAuthn L3 §5.1.10, as Chrome ships them) forward to the harness phone instead of Chromium's
 * own passkey providers. A SecurityError for an RP ID that does not fit the page, TypeError for
 * malformed options; otherwise they resolve, whether or not the phone held anything.
 */
export function signalScript(): string {
  return `(() => {
  const BINDING = ${JSON.stringify(SIGNAL_BINDING)};
  const PKC = window.PublicKeyCredential;
  if (!PKC || PKC.__passkeyHarnessSignals) return;
  const define = (method, signal, fields) => Object.defineProperty(PKC, method, { configurable: true, writable: true, value: async (options) => {
    if (!options || typeof options !== 'object') throw new TypeError(method + ' needs an options object');
    const payload = { signal };
    for (const f of fields) payload[f] = options[f];
    const reply = await window[BINDING](payload);
    if (!reply || !reply.ok) {
      const message = (reply && reply.message) || 'the signal was refused';
      if (reply && reply.code === 'SECURITY_ERROR') throw new DOMException(message, 'SecurityError');
      throw new TypeError(message);
    }
  } });
  define('signalUnknownCredential', 'unknownCredential', ['rpId', 'credentialId']);
  define('signalAllAcceptedCredentials', 'allAcceptedCredentials', ['rpId', 'userId', 'allAcceptedCredentialIds']);
  define('signalCurrentUserDetails', 'currentUserDetails', ['rpId', 'userId', 'name', 'displayName']);
  Object.defineProperty(PKC, '__passkeyHarnessSignals', { value: true });
})();`;
}

/**
 * Routes the page's Signal API calls to the phone (origin from the calling frame, never the
 * page's word). cdp mode syncs Chromium's credentials first and drops removed ones from Chromium after.
 */
export async function forwardSignals(options: {
  target: Page | BrowserContext;
  phone: Phone;
  isClosed(): boolean;
  signals: SignalResult[];
  /** cdp mode: read Chromium's credentials into the phone first, so a signal sees them. */
  beforeSignal?: () => Promise<unknown>;
  afterSignal?: (result: SignalResult) => Promise<void>;
}): Promise<void> {
  const { target, phone, isClosed, signals, beforeSignal, afterSignal } = options;
  await target.exposeBinding(SIGNAL_BINDING, async (source, payload: unknown) => {
    const origin = new URL(source.frame.url()).origin;
    // A detached phone no longer hears the page (providers may ignore signals).
    if (isClosed()) return { ok: true };
    try {
      const signal = parseSignal(payload);
      await beforeSignal?.();
      const result = phone.signal(signal, { origin });
      signals.push(result);
      await afterSignal?.(result);
      return { ok: true };
    } catch (error) {
      return { ok: false, code: error instanceof HarnessError ? error.code : 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    }
  });
  await target.addInitScript({ content: signalScript() });
}
