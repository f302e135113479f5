/** Runtime binding the gate script calls (CDP `Runtime.addBinding`; main hears `Runtime.bindingCalled`). */
export const GATE_BINDING = '__passkeyHarnessGate';
/** Read-only function the gate script defines; main answers through `Runtime.evaluate` in the caller's context. */
export const GATE_RESOLVE = '__passkeyHarnessGateResolve';

/** What the page may send over the binding (untrusted: parsed and bounded in phoneDebugger.ts). */
export type GateMessage =
  | { type: 'ask'; id: string; ceremony: 'create' | 'get'; rpId: string; userName?: string; userVerification: string }
  | { type: 'done'; id: string };

/** What main answers: go on to Chromium's virtual authenticator, or refuse with NotAllowedError. */
export type GateAnswer = 'proceed' | 'deny' | 'timeout' | 'uv-unavailable';

/**
 * The page side of the per-ceremony prompt, as source text for
 * `Page.addScriptToEvaluateOnNewDocument` (runs in every same-process frame before page
 * scripts). CDP has no "a ceremony started" event and cannot resolve a request that already
 * reached the virtual authenticator (toggling presence mid-request does not answer it), so the
 * ask happens BEFORE Chromium's authenticator is called: `navigator.credentials.create/get` wait
 * for main's answer, then call Chromium's own implementation. The authenticator itself stays
 * closed (no presence, not verified) outside an approved ceremony, so a page that slips past
 * this wrapper gets nothing but a NotAllowedError at its timeout.
 */
export function gateScript(): string {
  return `(() => {
  const BINDING = ${JSON.stringify(GATE_BINDING)};
  const RESOLVE = ${JSON.stringify(GATE_RESOLVE)};
  const container = navigator.credentials;
  const send = window[BINDING];
  if (!container || typeof send !== 'function' || Object.prototype.hasOwnProperty.call(window, RESOLVE)) return;
  const proto = Object.getPrototypeOf(container);
  const originals = { create: proto.create, get: proto.get };
  const waiting = new Map();
  let next = 0;
  Object.defineProperty(window, RESOLVE, {
    value: (id, answer) => { const resolve = waiting.get(id); if (resolve) { waiting.delete(id); resolve(answer); } },
    writable: false, configurable: false, enumerable: false,
  });
  const text = (v) => (typeof v === 'string' ? v.slice(0, 256) : undefined);
  const MESSAGES = { deny: 'The user denied the request.', timeout: 'The request timed out waiting for the user.', 'uv-unavailable': 'User verification is unavailable.' };
  // Conditional mediation (autofill) waits for a pick a harness phone never makes: asking main would
  // hold the phone's one prompt open. Pages learn it is unavailable; one that asks anyway waits until
  // it aborts, as with a user who never opens the autofill list (the same rule as core/playwright's gate).
  const waitForAbort = (signal) => new Promise((resolve, reject) => {
    const abort = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
    if (signal) { if (signal.aborted) abort(); else signal.addEventListener('abort', abort, { once: true }); }
  });
  const gate = (ceremony) => async (request) => {
    const pk = request && request.publicKey;
    if (!pk) return originals[ceremony].call(container, request);
    if (ceremony === 'get' && request.mediation === 'conditional') return waitForAbort(request.signal);
    const id = String(++next) + '-' + Math.random().toString(36).slice(2, 10);
    const selection = (ceremony === 'create' ? pk.authenticatorSelection : pk) || {};
    const ask = {
      type: 'ask', id, ceremony,
      rpId: text(ceremony === 'create' ? (pk.rp || {}).id : pk.rpId) || location.hostname,
      userName: ceremony === 'create' ? text((pk.user || {}).name) : undefined,
      userVerification: text(selection.userVerification) || 'preferred',
    };
    const answer = await new Promise((resolve) => { waiting.set(id, resolve); send(JSON.stringify(ask)); });
    if (answer !== 'proceed') throw new DOMException(MESSAGES[answer] || MESSAGES.deny, 'NotAllowedError');
    try {
      return await originals[ceremony].call(container, request);
    } finally {
      send(JSON.stringify({ type: 'done', id }));
    }
  };
  Object.defineProperty(container, 'create', { configurable: true, writable: true, value: gate('create') });
  Object.defineProperty(container, 'get', { configurable: true, writable: true, value: gate('get') });
  if (window.PublicKeyCredential) {
    Object.defineProperty(window.PublicKeyCredential, 'isConditionalMediationAvailable', { configurable: true, value: () => Promise.resolve(false) });
  }
})();`;
}
