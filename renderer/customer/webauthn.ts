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

export async function createPasskey(options: Json): Promise<unknown> {
  if (!navigator.credentials?.create) throw new ApiError('NOT_SUPPORTED', 'This browser does not support passkeys');
  try {
    return toJson(await navigator.credentials.create({ publicKey: parseCreation(options) }));
  } catch (error) {
    throw asApiError(error);
  }
}

export async function getPasskey(options: Json): Promise<unknown> {
  if (!navigator.credentials?.get) throw new ApiError('NOT_SUPPORTED', 'This browser does not support passkeys');
  try {
    return toJson(await navigator.credentials.get({ publicKey: parseRequest(options) }));
  } catch (error) {
    throw asApiError(error);
  }
}
