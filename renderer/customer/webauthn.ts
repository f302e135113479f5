// The file, not core/webauthn/index.ts: the customer page needs base64url only, and the index
// would put CBOR and the curve code into its bundle.
import { fromBase64url, toBase64url } from '../../core/webauthn/base64url.js';
import { ApiError } from './api.js';

/**
 * STEP6 and passkey login through the browser's own `navigator.credentials` (or whatever the
 * console installed in its place). JSON ↔ binary uses the standard helpers when present.
 */
type Json = Record<string, unknown>;

const DOM_CODES: Record<string, string> = {
  NotAllowedError: 'NOT_ALLOWED',
  InvalidStateError: 'INVALID_STATE',
  SecurityError: 'SECURITY_ERROR',
  NotSupportedError: 'NOT_SUPPORTED',
  AbortError: 'NOT_ALLOWED',
  TimeoutError: 'TIMEOUT',
};

function buf(value: unknown): ArrayBuffer {
  const bytes = fromBase64url(String(value));
  return bytes.slice().buffer as ArrayBuffer;
}

function parseCreation(json: Json): PublicKeyCredentialCreationOptions {
  const PKC = globalThis.PublicKeyCredential as (typeof PublicKeyCredential & { parseCreationOptionsFromJSON?: unknown }) | undefined;
  if (PKC && typeof PKC.parseCreationOptionsFromJSON === 'function') {
    return PKC.parseCreationOptionsFromJSON(json as unknown as PublicKeyCredentialCreationOptionsJSON);
  }
  const user = json.user as Json;
  return {
    ...(json as object),
    challenge: buf(json.challenge),
    user: { ...(user as object), id: buf(user.id) },
    excludeCredentials: ((json.excludeCredentials as Json[] | undefined) ?? []).map((c) => ({ ...(c as object), id: buf(c.id) })),
  } as unknown as PublicKeyCredentialCreationOptions;
}

function parseRequest(json: Json): PublicKeyCredentialRequestOptions {
  const PKC = globalThis.PublicKeyCredential as (typeof PublicKeyCredential & { parseRequestOptionsFromJSON?: unknown }) | undefined;
  if (PKC && typeof PKC.parseRequestOptionsFromJSON === 'function') {
    return PKC.parseRequestOptionsFromJSON(json as unknown as PublicKeyCredentialRequestOptionsJSON);
  }
  return {
    ...(json as object),
    challenge: buf(json.challenge),
    allowCredentials: ((json.allowCredentials as Json[] | undefined) ?? []).map((c) => ({ ...(c as object), id: buf(c.id) })),
  } as unknown as PublicKeyCredentialRequestOptions;
}

function toJson(credential: Credential | null): unknown {
  if (!credential) throw new ApiError('NOT_ALLOWED', 'No credential was returned');
  const withJson = credential as Credential & { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return withJson.toJSON();
  // A credential without toJSON (older engines): encode the standard fields by hand.
  const pkc = credential as PublicKeyCredential;
  const r = pkc.response as AuthenticatorAttestationResponse & AuthenticatorAssertionResponse;
  const b = (x: ArrayBuffer | null | undefined) => (x ? toBase64url(new Uint8Array(x)) : undefined);
  return {
    id: pkc.id,
    rawId: b(pkc.rawId),
    type: pkc.type,
    authenticatorAttachment: pkc.authenticatorAttachment ?? undefined,
    clientExtensionResults: pkc.getClientExtensionResults(),
    response: {
      clientDataJSON: b(r.clientDataJSON),
      attestationObject: 'attestationObject' in r ? b(r.attestationObject) : undefined,
      transports: typeof r.getTransports === 'function' ? r.getTransports() : undefined,
      authenticatorData: 'authenticatorData' in r ? b(r.authenticatorData) : undefined,
      signature: 'signature' in r ? b(r.signature) : undefined,
      userHandle: 'userHandle' in r ? (b(r.userHandle) ?? null) : undefined,
    },
  };
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const name = (error as { name?: unknown })?.name;
  const message = (error as { message?: unknown })?.message;
  const code = typeof name === 'string' ? DOM_CODES[name] : undefined;
  return new ApiError(code ?? 'INTERNAL', typeof message === 'string' && message ? message : String(error));
}

/** The server's challenge lifetime when the options carry none (core/rp's default, 5 minutes). */
const DEFAULT_TIMEOUT_MS = 300_000;

/**
 * A browser with no authenticator to answer (no console phone, no desktop app) may leave the
 * ceremony pending forever. The page stops waiting when the server's challenge expires (the
 * options' `timeout`), aborts the request and says what is needed: PROMPT_TIMEOUT.
 */
async function withDeadline(options: Json, ceremony: (signal: AbortSignal) => Promise<Credential | null>): Promise<Credential | null> {
  const timeout = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ApiError('PROMPT_TIMEOUT', `No authenticator answered within ${Math.round(timeout / 1000)} s`));
    }, timeout);
  });
  try {
    return await Promise.race([ceremony(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function createPasskey(options: Json): Promise<unknown> {
  if (!navigator.credentials?.create) throw new ApiError('NOT_SUPPORTED', 'This browser does not support passkeys');
  try {
    return toJson(await withDeadline(options, (signal) => navigator.credentials.create({ publicKey: parseCreation(options), signal })));
  } catch (error) {
    throw asApiError(error);
  }
}

export async function getPasskey(options: Json): Promise<unknown> {
  if (!navigator.credentials?.get) throw new ApiError('NOT_SUPPORTED', 'This browser does not support passkeys');
  try {
    return toJson(await withDeadline(options, (signal) => navigator.credentials.get({ publicKey: parseRequest(options), signal })));
  } catch (error) {
    throw asApiError(error);
  }
}

/** The Signal API as Chrome ships it (132+): static methods on PublicKeyCredential, each feature-detected. */
type SignalApi = {
  signalUnknownCredential?: (o: { rpId: string; credentialId: string }) => Promise<void>;
  signalAllAcceptedCredentials?: (o: { rpId: string; userId: string; allAcceptedCredentialIds: string[] }) => Promise<void>;
  signalCurrentUserDetails?: (o: { rpId: string; userId: string; name: string; displayName: string }) => Promise<void>;
};

function signalApi(): SignalApi | undefined {
  return globalThis.PublicKeyCredential as unknown as SignalApi | undefined;
}

/** Which signals this browser supports (for the page to say so; absent ones are skipped). */
export function supportedSignals(): string[] {
  const pkc = signalApi();
  return pkc ? (['signalUnknownCredential', 'signalAllAcceptedCredentials', 'signalCurrentUserDetails'] as const).filter((k) => typeof pkc[k] === 'function') : [];
}

/**
 * WebAuthn Signal API: the RP tells the user's passkey provider which credentials it still
 * accepts and the user's current name, so a passkey support revoked (or the customer deleted)
 * stops being offered. Best effort by design: a signal never blocks or fails the page.
 */
export async function signalAccepted(data: { rpId: string; userId: string; name: string; displayName: string; acceptedCredentialIds: string[] }): Promise<string[]> {
  const pkc = signalApi();
  const sent: string[] = [];
  if (!pkc) return sent;
  const attempt = async (name: string, call: () => Promise<void>) => {
    try {
      await call();
      sent.push(name);
    } catch {
      // Signals are advisory (the spec lets providers ignore them); nothing for the customer to do.
    }
  };
  if (typeof pkc.signalAllAcceptedCredentials === 'function') {
    await attempt('signalAllAcceptedCredentials', () => pkc.signalAllAcceptedCredentials!({ rpId: data.rpId, userId: data.userId, allAcceptedCredentialIds: data.acceptedCredentialIds }));
  }
  if (typeof pkc.signalCurrentUserDetails === 'function') {
    await attempt('signalCurrentUserDetails', () => pkc.signalCurrentUserDetails!({ rpId: data.rpId, userId: data.userId, name: data.name, displayName: data.displayName }));
  }
  return sent;
}

/** After the server refused a passkey it does not (or no longer) accepts: tell the provider to drop it. */
export async function signalUnknown(rpId: string, credentialId: string): Promise<boolean> {
  const pkc = signalApi();
  if (typeof pkc?.signalUnknownCredential !== 'function') return false;
  try {
    await pkc.signalUnknownCredential({ rpId, credentialId });
    return true;
  } catch {
    return false;
  }
}
