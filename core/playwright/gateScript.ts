/** Name of the binding the CDP-mode gate calls (playwright `exposeBinding` on the page). */
export const GATE_BINDING = '__passkeyHarnessGate';

/**
 * CDP mode's page side, as source text (plain ES2017, run before any page script in every
 * frame). Chromium's virtual authenticator has no "ceremony started" event and is kept closed
 * (no presence, UV off) between ceremonies, so this wraps `navigator.credentials.create/get`:
 * ask Node for the phone's prompt first, reject with NotAllowedError on deny / time-out, and
 * only then let the real call reach the (now opened) authenticator; report back when it settles.
 */
export function gateScript(): string {
  return `(() => {
  const BINDING = ${JSON.stringify(GATE_BINDING)};
  const container = navigator.credentials;
  if (!container || container.__passkeyHarnessGated) return;
  const original = { create: container.create.bind(container), get: container.get.bind(container) };
  // Conditional mediation (autofill) waits for a pick that never comes from a harness phone: it
  // would otherwise hold the phone's one ceremony open. Pages learn it is unavailable; a page that
  // asks anyway waits until it aborts, as with a user who never opens the autofill list.
  const waitForAbort = (signal) => new Promise((resolve, reject) => {
    const abort = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
    if (signal) { if (signal.aborted) abort(); else signal.addEventListener('abort', abort, { once: true }); }
  });
  const run = async (ceremony, request) => {
    const pk = request && request.publicKey;
    if (!pk || typeof window[BINDING] !== 'function') return original[ceremony](request);
    if (ceremony === 'get' && request.mediation === 'conditional') return waitForAbort(request.signal);
    const selection = pk.authenticatorSelection || {};
    const info = {
      ceremony,
      rpId: ceremony === 'create' ? ((pk.rp && pk.rp.id) || location.hostname) : (pk.rpId || location.hostname),
      userName: ceremony === 'create' && pk.user ? String(pk.user.name) : undefined,
      userVerification: (ceremony === 'create' ? selection.userVerification : pk.userVerification) || 'preferred',
    };
    const answer = await window[BINDING]('ask', info);
    if (!answer || !answer.ok) throw new DOMException(answer && answer.message ? answer.message : 'the request was not allowed', 'NotAllowedError');
    try {
      const credential = await original[ceremony](request);
      await window[BINDING]('done', { id: answer.id, ok: true, credentialId: credential && credential.id });
      return credential;
    } catch (error) {
      await window[BINDING]('done', { id: answer.id, ok: false, name: error && error.name, message: error && error.message });
      throw error;
    }
  };
  Object.defineProperty(container, 'create', { configurable: true, writable: true, value: (request) => run('create', request) });
  Object.defineProperty(container, 'get', { configurable: true, writable: true, value: (request) => run('get', request) });
  Object.defineProperty(container, '__passkeyHarnessGated', { value: true });
  if (window.PublicKeyCredential) {
    Object.defineProperty(window.PublicKeyCredential, 'isConditionalMediationAvailable', { configurable: true, value: () => Promise.resolve(false) });
  }
})();`;
}
