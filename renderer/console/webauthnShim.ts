import type { CeremonyTrace } from '../../core/journey/steps.js';
import { fromBase64url, toBase64url } from '../../core/webauthn/index.js';
import { describeError, type HarnessApi, type LocalAuthDecision } from '../shared/api.js';

/**
 * The simulated phone's `navigator.credentials`, installed into a customer page framed by the
 * console (same origin). The page keeps using the standard API; the shim turns the options
 * into WebAuthn JSON, lets QA answer the device prompt (STEP6: face / fingerprint / PIN),
 * asks the harness's software authenticator for that phone, and hands back an object that
 * behaves like a PublicKeyCredential, built in the page's own realm so `instanceof` holds.
 */
export interface PromptRequest {
  ceremony: 'create' | 'get';
  phone: string;
  origin: string;
  rpId: string;
  userName?: string;
  userVerification: string;
}

/** A ceremony on a console phone: core/journey's trace (what a scenario step keeps too), plus how it failed. */
export interface CeremonyRecord extends CeremonyTrace {
  error?: { code: string; message: string };
}

/** One WebAuthn Signal API call from the page, as the phone received it. */
export interface SignalRecord {
  signal: 'unknownCredential' | 'allAcceptedCredentials' | 'currentUserDetails';
  phone: string;
  origin: string;
  rpId: string;
  removed: string[];
  updated: string[];
  error?: { code: string; message: string };
}

/** A ceremony call that gets the page's AbortSignal, so whoever answers it can drop a ceremony the page gave up on. */
type Abortable<K extends 'phones.createCredential' | 'phones.getAssertion'> = (input: Parameters<HarnessApi[K]>[0], call?: { signal?: AbortSignal }) => ReturnType<HarnessApi[K]>;

export interface ShimOptions {
  phone: string;
  api: { 'phones.createCredential': Abortable<'phones.createCredential'>; 'phones.getAssertion': Abortable<'phones.getAssertion'> } & Partial<Pick<HarnessApi, 'phones.signal'>>;
  /** Sees every Signal API call the page made (for the timeline and the credential list). */
  onSignal?: (record: SignalRecord) => void;
  /** Shows the device prompt and resolves with QA's answer. */
  decide: (request: PromptRequest) => Promise<LocalAuthDecision>;
  /** Sees every ceremony (for the inspector). */
  onCeremony?: (record: CeremonyRecord) => void;
  /** Security keys are not platform authenticators. */
  platform?: boolean;
}

/**
 * The slice of the framed page's window the shim touches (its own realm's constructors), typed
 * structurally so the module also compiles, and is unit-tested, without the DOM library.
 */
export interface PageWindow {
  navigator: { credentials?: object | null };
  location: { origin: string };
  ArrayBuffer: ArrayBufferConstructor;
  Uint8Array: Uint8ArrayConstructor;
  Array: ArrayConstructor;
  JSON: JSON;
  Promise: PromiseConstructor;
  DOMException: new (message?: string, name?: string) => Error;
  /** The page's own TypeError (a real window has it), so `instanceof TypeError` holds in the page. */
  TypeError?: TypeErrorConstructor;
  PublicKeyCredential?: { prototype: object };
  AuthenticatorAttestationResponse?: { prototype: object };
  AuthenticatorAssertionResponse?: { prototype: object };
}

/** `CredentialCreationOptions` / `CredentialRequestOptions` as far as the shim reads them. */
interface CredentialRequest {
  publicKey?: unknown;
  signal?: AbortSignal;
  mediation?: string;
}

function isBufferSource(value: unknown): value is ArrayBuffer | ArrayBufferView {
  // instanceof fails across realms (the page's ArrayBuffer is not ours); internal slots do not.
  return ArrayBuffer.isView(value) || Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  return new Uint8Array(value.slice(0));
}

/** Recursively replaces BufferSources by base64url, as PublicKeyCredential's JSON helpers do. */
export function toWebAuthnJson(value: unknown): unknown {
  if (isBufferSource(value)) return toBase64url(bytesOf(value));
  if (Array.isArray(value)) return value.map(toWebAuthnJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner === undefined || typeof inner === 'function') continue;
      if (key === 'signal') continue;
      out[key] = toWebAuthnJson(inner);
    }
    return out;
  }
  return value;
}

function pageBuffer(page: PageWindow, base64url: string): ArrayBuffer {
  const bytes = fromBase64url(base64url);
  const buffer = new page.ArrayBuffer(bytes.length);
  new page.Uint8Array(buffer).set(bytes);
  return buffer;
}

function adopt<T extends object>(object: T, proto: object | undefined): T {
  if (proto) Object.setPrototypeOf(object, proto);
  return object;
}

/** A PublicKeyCredential look-alike over RegistrationResponseJSON / AuthenticationResponseJSON. */
export function toPageCredential(page: PageWindow, json: Record<string, unknown>, ceremony: 'create' | 'get'): object {
  const r = (json.response ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const response: Record<string, unknown> = { clientDataJSON: pageBuffer(page, str(r.clientDataJSON) ?? '') };
  if (ceremony === 'create') {
    response.attestationObject = pageBuffer(page, str(r.attestationObject) ?? '');
    const transports = Array.isArray(r.transports) ? [...(r.transports as string[])] : [];
    response.getTransports = () => page.Array.from(transports);
    response.getAuthenticatorData = () => (str(r.authenticatorData) ? pageBuffer(page, str(r.authenticatorData)!) : null);
    response.getPublicKey = () => (str(r.publicKey) ? pageBuffer(page, str(r.publicKey)!) : null);
    response.getPublicKeyAlgorithm = () => (typeof r.publicKeyAlgorithm === 'number' ? r.publicKeyAlgorithm : -7);
  } else {
    response.authenticatorData = pageBuffer(page, str(r.authenticatorData) ?? '');
    response.signature = pageBuffer(page, str(r.signature) ?? '');
    response.userHandle = str(r.userHandle) ? pageBuffer(page, str(r.userHandle)!) : null;
  }
  const proto = ceremony === 'create' ? page.AuthenticatorAttestationResponse?.prototype : page.AuthenticatorAssertionResponse?.prototype;
  const frozenJson = JSON.stringify(json);
  const credential = {
    id: str(json.id) ?? '',
    rawId: pageBuffer(page, str(json.rawId) ?? str(json.id) ?? ''),
    type: 'public-key',
    authenticatorAttachment: str(json.authenticatorAttachment) ?? null,
    response: adopt(response, proto),
    getClientExtensionResults: () => page.JSON.parse(JSON.stringify(json.clientExtensionResults ?? {})),
    toJSON: () => page.JSON.parse(frozenJson),
  };
  return adopt(credential, page.PublicKeyCredential?.prototype);
}

const DOM_EXCEPTION_NAMES: Record<string, string> = {
  NOT_ALLOWED: 'NotAllowedError',
  TIMEOUT: 'NotAllowedError',
  UV_UNAVAILABLE: 'NotAllowedError',
  INVALID_STATE: 'InvalidStateError',
  SECURITY_ERROR: 'SecurityError',
  NOT_SUPPORTED: 'NotSupportedError',
};

/** What a browser would throw: DOMException with the WebAuthn name, message keeping our code. */
export function toPageError(page: PageWindow, error: unknown): Error {
  const { code, message } = describeError(error);
  // Options a browser's Web IDL conversion refuses are a TypeError there, not a DOMException.
  if (code === 'INVALID_INPUT' || code === 'BASE64URL_INVALID') return new (page.TypeError ?? TypeError)(`${message} (${code})`);
  return new page.DOMException(`${message} (${code})`, DOM_EXCEPTION_NAMES[code] ?? 'NotAllowedError');
}

function rpIdOf(options: Record<string, unknown>, origin: string, ceremony: 'create' | 'get'): string {
  const rp = options.rp as { id?: string } | undefined;
  const fromOptions = ceremony === 'create' ? rp?.id : (options.rpId as string | undefined);
  return fromOptions ?? new URL(origin).hostname;
}

export function installCredentialsShim(page: PageWindow, options: ShimOptions): void {
  const container = page.navigator.credentials;
  if (!container) return;
  const origin = page.location.origin;

  const run = async (ceremony: 'create' | 'get', request: CredentialRequest | undefined) => {
    const publicKey = request?.publicKey;
    if (!publicKey) throw new page.DOMException('Only publicKey credentials are simulated', 'NotSupportedError');
    const signal = request?.signal;
    if (signal?.aborted) throw new page.DOMException('The operation was aborted', 'AbortError');
    if (ceremony === 'get' && request?.mediation === 'conditional') {
      // Conditional UI waits for the user to pick a passkey from autofill; the simulated phone
      // has no autofill, so the request stays pending until the page aborts it.
      return new page.Promise<never>((_resolve: (value: never) => void, reject: (reason: unknown) => void) => {
        signal?.addEventListener('abort', () => reject(new page.DOMException('The operation was aborted', 'AbortError')));
      });
    }
    const json = toWebAuthnJson(publicKey) as Record<string, unknown>;
    const rpId = rpIdOf(json, origin, ceremony);
    const user = json.user as { name?: string } | undefined;
    const selection = json.authenticatorSelection as { userVerification?: string } | undefined;
    const record: CeremonyRecord = { ceremony, phone: options.phone, origin, rpId, options: json };
    try {
      const decision = await options.decide({
        ceremony,
        phone: options.phone,
        origin,
        rpId,
        userName: user?.name,
        userVerification: (ceremony === 'create' ? selection?.userVerification : (json.userVerification as string | undefined)) ?? 'preferred',
      });
      const input = { phone: options.phone, options: json, origin, decision };
      // The signal goes along: a page that times out or aborts must not leave the phone's prompt open behind it.
      const result = ceremony === 'create' ? await options.api['phones.createCredential'](input, { signal }) : await options.api['phones.getAssertion'](input, { signal });
      record.response = result;
      options.onCeremony?.(record);
      return toPageCredential(page, result, ceremony);
    } catch (error) {
      record.error = describeError(error);
      options.onCeremony?.(record);
      // What a browser throws for an aborted ceremony, whatever the call it cut short said.
      if (signal?.aborted) throw new page.DOMException('The operation was aborted', 'AbortError');
      throw toPageError(page, error);
    }
  };

  Object.defineProperty(container, 'create', { configurable: true, writable: true, value: (request?: CredentialRequest) => run('create', request) });
  Object.defineProperty(container, 'get', { configurable: true, writable: true, value: (request?: CredentialRequest) => run('get', request) });
  const pkc = page.PublicKeyCredential as unknown as Record<string, unknown> | undefined;
  if (pkc) {
    const platform = options.platform ?? true;
    Object.defineProperty(pkc, 'isUserVerifyingPlatformAuthenticatorAvailable', { configurable: true, value: () => page.Promise.resolve(platform) });
    Object.defineProperty(pkc, 'isConditionalMediationAvailable', { configurable: true, value: () => page.Promise.resolve(false) });
    const signalChannel = options.api['phones.signal'];
    if (signalChannel) installSignals(page, pkc, options, signalChannel);
  }
}

/**
 * The WebAuthn Signal API on the phone (as Chrome ships it: static methods of
 * PublicKeyCredential, resolving to undefined). The phone honours the signal through
 * `phones.signal`; like a browser, the page learns nothing about what the provider did.
 */
function installSignals(page: PageWindow, pkc: Record<string, unknown>, options: ShimOptions, channel: NonNullable<ShimOptions['api']['phones.signal']>): void {
  const origin = page.location.origin;
  const send = async (input: Parameters<typeof channel>[0]) => {
    const record: SignalRecord = { signal: input.signal, phone: options.phone, origin, rpId: input.rpId, removed: [], updated: [] };
    try {
      const result = await channel(input);
      record.removed = result.removed;
      record.updated = result.updated;
      options.onSignal?.(record);
    } catch (error) {
      record.error = describeError(error);
      options.onSignal?.(record);
      throw toPageError(page, error);
    }
  };
  const str = (v: unknown, what: string) => {
    if (typeof v !== 'string' || !v) throw new page.DOMException(`${what} is required`, 'TypeError');
    return v;
  };
  const define = (name: string, fn: (o: Record<string, unknown>) => Promise<void>) =>
    Object.defineProperty(pkc, name, {
      configurable: true,
      writable: true,
      value: (o: unknown) => {
        const opts = (o ?? {}) as Record<string, unknown>;
        return new page.Promise<void>((resolve: (v: void) => void, reject: (e: unknown) => void) => {
          Promise.resolve()
            .then(() => fn(opts))
            .then(() => resolve(undefined), reject);
        });
      },
    });
  define('signalUnknownCredential', (o) => send({ signal: 'unknownCredential', phone: options.phone, origin, rpId: str(o.rpId, 'rpId'), credentialId: str(o.credentialId, 'credentialId') }));
  define('signalAllAcceptedCredentials', (o) =>
    send({
      signal: 'allAcceptedCredentials',
      phone: options.phone,
      origin,
      rpId: str(o.rpId, 'rpId'),
      userId: str(o.userId, 'userId'),
      allAcceptedCredentialIds: Array.isArray(o.allAcceptedCredentialIds) ? o.allAcceptedCredentialIds.map((id) => String(id)) : [],
    }),
  );
  define('signalCurrentUserDetails', (o) =>
    send({ signal: 'currentUserDetails', phone: options.phone, origin, rpId: str(o.rpId, 'rpId'), userId: str(o.userId, 'userId'), name: String(o.name ?? ''), displayName: String(o.displayName ?? '') }),
  );
}
