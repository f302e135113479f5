/** Name of the binding the injected page script calls (playwright `exposeBinding`). */
export const SHIM_BINDING = '__passkeyHarnessWebAuthn';

/**
 * The page side of shim mode, as source text (an init script runs before any page script).
 * It replaces `navigator.credentials.create/get` on the allowed origins only: options become
 * WebAuthn JSON (BufferSources → base64url, as `PublicKeyCredential.toJSON` would), the binding
 * runs the ceremony on the harness's authenticator in Node, and the answer comes back as a
 * PublicKeyCredential look-alike built in the page's realm (same shape as
 * renderer/console/webauthnShim.ts `toPageCredential`). The WebAuthn Signal API
 * (`PublicKeyCredential.signalUnknownCredential` / `signalAllAcceptedCredentials` /
 * `signalCurrentUserDetails`, as Chrome ships them) reaches the phone through the same binding.
 * Kept as plain ES2017 text so no bundler helper can leak into it.
 */
export function shimScript(options: { origins: readonly string[]; platform: boolean }): string {
  return `(() => {
  const ORIGINS = ${JSON.stringify([...options.origins])};
  const PLATFORM = ${JSON.stringify(options.platform)};
  const BINDING = ${JSON.stringify(SHIM_BINDING)};
  if (ORIGINS.length > 0 && !ORIGINS.includes(location.origin)) return;
  if (!navigator.credentials) return;
  const NAMES = { NOT_ALLOWED: 'NotAllowedError', TIMEOUT: 'NotAllowedError', UV_UNAVAILABLE: 'NotAllowedError', INVALID_STATE: 'InvalidStateError', SECURITY_ERROR: 'SecurityError', NOT_SUPPORTED: 'NotSupportedError', ABORTED: 'AbortError' };
  const TYPE_ERRORS = ['INVALID_INPUT', 'BASE64URL_INVALID'];
  const isBuffer = (v) => ArrayBuffer.isView(v) || Object.prototype.toString.call(v) === '[object ArrayBuffer]';
  const bytesOf = (v) => ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
  const b64u = (bytes) => { let s = ''; for (const b of bytes) s += String.fromCharCode(b); return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''); };
  const unb64u = (text) => { const s = atob(String(text).replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((String(text).length + 3) % 4)); const out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out.buffer; };
  const toJson = (v) => {
    if (isBuffer(v)) return b64u(bytesOf(v));
    if (Array.isArray(v)) return v.map(toJson);
    if (v && typeof v === 'object') { const o = {}; for (const k of Object.keys(v)) { if (k === 'signal' || v[k] === undefined || typeof v[k] === 'function') continue; o[k] = toJson(v[k]); } return o; }
    return v;
  };
  const adopt = (o, proto) => { if (proto) Object.setPrototypeOf(o, proto); return o; };
  const toCredential = (json, ceremony) => {
    const r = json.response || {};
    const response = { clientDataJSON: unb64u(r.clientDataJSON || '') };
    if (ceremony === 'create') {
      response.attestationObject = unb64u(r.attestationObject || '');
      const transports = Array.isArray(r.transports) ? r.transports.slice() : [];
      response.getTransports = () => transports.slice();
      response.getAuthenticatorData = () => r.authenticatorData ? unb64u(r.authenticatorData) : null;
      response.getPublicKey = () => r.publicKey ? unb64u(r.publicKey) : null;
      response.getPublicKeyAlgorithm = () => typeof r.publicKeyAlgorithm === 'number' ? r.publicKeyAlgorithm : -7;
    } else {
      response.authenticatorData = unb64u(r.authenticatorData || '');
      response.signature = unb64u(r.signature || '');
      response.userHandle = r.userHandle ? unb64u(r.userHandle) : null;
    }
    const proto = ceremony === 'create' ? (window.AuthenticatorAttestationResponse || {}).prototype : (window.AuthenticatorAssertionResponse || {}).prototype;
    const frozen = JSON.stringify(json);
    return adopt({
      id: json.id, rawId: unb64u(json.rawId || json.id), type: 'public-key',
      authenticatorAttachment: json.authenticatorAttachment || null,
      response: adopt(response, proto),
      getClientExtensionResults: () => JSON.parse(JSON.stringify(json.clientExtensionResults || {})),
      toJSON: () => JSON.parse(frozen),
    }, (window.PublicKeyCredential || {}).prototype);
  };
  const run = async (ceremony, request) => {
    if (!request || !request.publicKey) throw new DOMException('only publicKey credentials are shimmed', 'NotSupportedError');
    if (request.signal && request.signal.aborted) throw new DOMException('aborted', 'AbortError');
    const reply = await window[BINDING](ceremony, toJson(request.publicKey));
    if (!reply || !reply.ok) {
      const e = (reply && reply.error) || { code: 'NOT_ALLOWED', message: 'no answer' };
      // Options a browser's Web IDL conversion refuses are a TypeError there, not a DOMException.
      if (TYPE_ERRORS.includes(e.code)) throw new TypeError(e.message + ' (' + e.code + ')');
      throw new DOMException(e.message + ' (' + e.code + ')', NAMES[e.code] || 'NotAllowedError');
    }
    return toCredential(reply.value, ceremony);
  };
  const container = navigator.credentials;
  Object.defineProperty(container, 'create', { configurable: true, writable: true, value: (request) => run('create', request) });
  Object.defineProperty(container, 'get', { configurable: true, writable: true, value: (request) => run('get', request) });
  if (window.PublicKeyCredential) {
    Object.defineProperty(window.PublicKeyCredential, 'isUserVerifyingPlatformAuthenticatorAvailable', { configurable: true, value: () => Promise.resolve(PLATFORM) });
    Object.defineProperty(window.PublicKeyCredential, 'isConditionalMediationAvailable', { configurable: true, value: () => Promise.resolve(false) });
    const signal = (method, kind, fields) => Object.defineProperty(window.PublicKeyCredential, method, { configurable: true, writable: true, value: async (options) => {
      if (!options || typeof options !== 'object') throw new TypeError(method + ' needs an options object');
      const payload = { signal: kind };
      for (const f of fields) payload[f] = options[f];
      const reply = await window[BINDING]('signal', payload);
      if (!reply || !reply.ok) { const e = (reply && reply.error) || { code: 'INVALID_INPUT', message: 'the signal was refused' }; if (e.code === 'SECURITY_ERROR') throw new DOMException(e.message, 'SecurityError'); throw new TypeError(e.message); }
    } });
    signal('signalUnknownCredential', 'unknownCredential', ['rpId', 'credentialId']);
    signal('signalAllAcceptedCredentials', 'allAcceptedCredentials', ['rpId', 'userId', 'allAcceptedCredentialIds']);
    signal('signalCurrentUserDetails', 'currentUserDetails', ['rpId', 'userId', 'name', 'displayName']);
  }
})();`;
}
