import { HarnessError, toErrorData, type ErrorData, type HarnessErrorCode } from '../errors.js';

/**
 * HTTP status for each stable code. Anything the client sent that does not decode or verify
 * is a 400; a code missing here is a known failure of the request, so 400 as well. Only
 * `INTERNAL`/`STORE_FAILED` are 5xx: bad input must never surface as a 500.
 */
const STATUS: Partial<Record<HarnessErrorCode, number>> = {
  AUTH_REQUIRED: 401,
  LOGIN_FAILED: 401,
  CREDENTIAL_UNKNOWN: 401,
  PASSKEY_REVOKED: 401,
  STEP_UP_REQUIRED: 403,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  // RFC 9110 §15.5.20: this server is not the one the Host header names.
  HOST_REJECTED: 421,
  NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  PASSKEY_NOT_FOUND: 404,
  ADMIN_NOT_FOUND: 404,
  PHONE_NOT_FOUND: 404,
  CREDENTIAL_EXISTS: 409,
  ACCOUNT_EXISTS: 409,
  PHONE_EXISTS: 409,
  OTP_ALREADY_ENROLLED: 409,
  PAYLOAD_TOO_LARGE: 413,
  ACCOUNT_LOCKED: 423,
  OTP_LOCKED: 423,
  VAULT_LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  STORE_FAILED: 500,
  MAIL_FAILED: 502,
  STORE_BUSY: 503,
  SERVER_UNAVAILABLE: 503,
};

export function statusForCode(code: HarnessErrorCode): number {
  return STATUS[code] ?? 400;
}

export interface ErrorReply {
  status: number;
  body: ErrorData;
  headers: Record<string, string>;
}

/** Turns anything thrown into `{ code, message }` (never a stack) plus its status and headers. */
export function toErrorReply(error: unknown): ErrorReply {
  const body = toErrorData(error);
  const headers: Record<string, string> = {};
  if (error instanceof HarnessError && body.code === 'RATE_LIMITED') {
    const retryAfterMs = Number(error.details?.retryAfterMs);
    headers['Retry-After'] = String(Math.max(1, Math.ceil((Number.isFinite(retryAfterMs) ? retryAfterMs : 1000) / 1000)));
  }
  // A lock held past busy_timeout clears once the other writer commits: tell the client to retry.
  if (body.code === 'STORE_BUSY') headers['Retry-After'] = '1';
  return { status: statusForCode(body.code), body, headers };
}
