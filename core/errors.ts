/**
 * Every failure the harness reports carries a stable code. Front ends map codes
 * to exit codes (CLI), HTTP statuses (core/http) or readable messages (renderer);
 * users never see a stack trace.
 */
export const HARNESS_ERROR_CODES = [
  // core/webauthn: encodings of untrusted input
  'BASE64URL_INVALID',
  'CBOR_MALFORMED',
  'CBOR_TOO_LARGE',
  'CBOR_TOO_DEEP',
  'CBOR_TAG_FORBIDDEN',
  'CBOR_INDEFINITE_LENGTH',
  'CBOR_NON_CANONICAL',
  'CBOR_DUPLICATE_KEY',
  'CBOR_TRAILING_BYTES',
  'COSE_INVALID',
  'COSE_UNSUPPORTED_ALG',
  'AUTHDATA_MALFORMED',
  'AUTHDATA_FLAGS_INCONSISTENT',
  'CLIENTDATA_MALFORMED',
  'ATTESTATION_MALFORMED',
  // core/authenticator + core/client: what a browser reports as DOMException names
  'NOT_ALLOWED', // NotAllowedError: user denied, timed out, or no matching credential
  'INVALID_STATE', // InvalidStateError: an excluded credential is present
  'SECURITY_ERROR', // SecurityError: RP ID not a registrable suffix of the origin
  'NOT_SUPPORTED', // NotSupportedError: no offered algorithm is supported
  'UV_UNAVAILABLE',
  'TIMEOUT',
  'PROFILE_UNKNOWN',
  'PHONE_NOT_FOUND',
  'PHONE_EXISTS',
  'VAULT_LOCKED',
  'VAULT_IMPORT_INVALID',
  'VAULT_KEY_INSECURE', // the vault's key file is readable by group/others or owned by another user
  // core/rp: accounts, sessions, step-up
  'INVALID_INPUT',
  'AUTH_REQUIRED',
  'LOGIN_FAILED',
  'ACCOUNT_LOCKED',
  'ACCOUNT_EXISTS',
  'ACCOUNT_NOT_FOUND',
  'EMAIL_NOT_REGISTERED',
  'STEP_UP_REQUIRED',
  'OTP_INVALID',
  'OTP_EXPIRED',
  'OTP_USED',
  'OTP_LOCKED',
  'OTP_NOT_ENROLLED',
  'OTP_ALREADY_ENROLLED',
  // core/rp: WebAuthn ceremonies (WebAuthn §7.1, §7.2)
  'CHALLENGE_NOT_FOUND',
  'CHALLENGE_EXPIRED',
  'CHALLENGE_MISMATCH',
  'CHALLENGE_REPLAYED',
  'TYPE_MISMATCH',
  'ORIGIN_MISMATCH',
  'CROSS_ORIGIN_FORBIDDEN',
  'RP_ID_MISMATCH',
  'USER_PRESENCE_REQUIRED',
  'USER_VERIFICATION_REQUIRED',
  'BACKUP_FLAGS_INVALID',
  'ALGORITHM_NOT_ALLOWED',
  'CREDENTIAL_ID_INVALID',
  'RAW_ID_MISMATCH',
  'CREDENTIAL_EXISTS',
  'CREDENTIAL_UNKNOWN',
  'SIGNATURE_INVALID',
  'COUNTER_REGRESSION',
  'USER_HANDLE_MISMATCH',
  'PASSKEY_REVOKED',
  'PASSKEY_NOT_FOUND',
  'VERIFICATION_FAILED',
  // core/rp attestation policy (issue 13)
  'ATTESTATION_UNTRUSTED',
  'AUTHENTICATOR_STATUS_REJECTED',
  'METADATA_UNAVAILABLE',
  // core/rp/admin
  'FORBIDDEN',
  'REASON_REQUIRED',
  'ADMIN_NOT_FOUND',
  // cross-cutting
  'RATE_LIMITED',
  'CSRF_REJECTED',
  'HOST_REJECTED', // Host header not this server's (DNS rebinding)
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'AUDIT_TAMPERED',
  'STORE_BUSY',
  'STORE_FAILED',
  'MAIL_FAILED',
  // scenario runner + CLI
  'SCENARIO_INVALID',
  'EXPECTATION_FAILED',
  'SERVER_UNAVAILABLE',
  'USAGE',
  'CONFIG_INVALID',
  'INTERNAL',
] as const;

export type HarnessErrorCode = (typeof HARNESS_ERROR_CODES)[number];

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
}

export function isHarnessError(value: unknown, code?: HarnessErrorCode): value is HarnessError {
  return value instanceof HarnessError && (code === undefined || value.code === code);
}

export function isHarnessErrorCode(value: unknown): value is HarnessErrorCode {
  return typeof value === 'string' && (HARNESS_ERROR_CODES as readonly string[]).includes(value);
}

/** What crosses a boundary (HTTP body, IPC reply, CLI --json): code and message only, never a stack. */
export interface ErrorData {
  code: HarnessErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The wire shape of every harness reply (HTTP body, IPC reply). Declared here beside ErrorData so
 * core/http can name it without importing core/harness (which imports core/http); everyone else
 * imports it from core/harness/reply.ts.
 */
export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorData };

/** One issue of a refused input: a dotted path (`root` for the input itself) and the schema's message. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * The one zod-error formatter (typed by shape, so this module needs no zod): `INVALID_INPUT` whose
 * message names the first issue (`{subject}: {path}: {message}`) and whose `details.issues` lists them all.
 */
export function invalidInput(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, subject: string, root = '(input)'): HarnessError {
  const issues: InputIssue[] = error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || root, message: issue.message }));
  const first = issues[0];
  return new HarnessError('INVALID_INPUT', `${subject}: ${first ? `${first.path}: ${first.message}` : 'invalid input'}`, { details: { issues } });
}

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof HarnessError) {
    return error.details ? { code: error.code, message: error.message, details: { ...error.details } } : { code: error.code, message: error.message };
  }
  return { code: 'INTERNAL', message: 'Internal error' };
}
