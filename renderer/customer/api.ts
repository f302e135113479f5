// Declared once in core/rp; imported from its browser-safe file (core/rp/index.ts pulls in node:crypto).
import type { PasskeyNameLocale } from '../../core/rp/registration/defaultPasskeyName.js';
import type { StepUpPurpose } from '../../core/rp/stepUp/purpose.js';

/**
 * The customer pages' view of core/http: same-origin JSON calls carrying the CSRF header and
 * this frame's slot (`?slot=NAME`), so several phones in one console keep separate sessions.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    /** The server's `details` (e.g. `triesLeft` after a wrong one-time code). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface RegistrationRow {
  key: 'loginPassword' | 'tradingPassword' | 'passkey' | 'otpService';
  status: string;
  count?: number;
}
export interface RegistrationInfo {
  loginId: string;
  displayName: string;
  stepUpMethod: 'email' | 'totp';
  rows: RegistrationRow[];
}
export interface EmailChoice {
  emailId: number;
  address: string;
  masked: string;
}
export interface CustomerPasskey {
  credentialId: string;
  name: string;
  /** The RP's name for the AAGUID's model; meaningful only when `authenticatorKnown`. */
  authenticatorName: string;
  authenticatorKnown: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}
export interface SessionInfo {
  accountId: number;
  loginId: string;
  displayName: string;
}
export type { StepUpPurpose };

/** Header values must be ASCII: a phone named "山田のiPhone" travels percent-encoded. */
function slot(): string | undefined {
  const value = new URLSearchParams(location.search).get('slot');
  return value ? encodeURIComponent(value).slice(0, 256) : undefined;
}

/**
 * The pages' current language, for the server's default passkey name. main.ts and the language
 * toggle keep it on <html lang> (the customer pages' own i18n, not renderer/shared's console setting).
 */
function uiLocale(): PasskeyNameLocale {
  return document.documentElement.lang === 'en' ? 'en' : 'ja';
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-harness-csrf': '1' };
  const s = slot();
  if (s) headers['x-harness-slot'] = s;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError('SERVER_UNAVAILABLE', (error as Error).message);
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const err = (data ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
    const details = typeof err.details === 'object' && err.details !== null ? (err.details as Record<string, unknown>) : {};
    throw new ApiError(typeof err.code === 'string' ? err.code : 'INTERNAL', typeof err.message === 'string' ? err.message : `HTTP ${response.status}`, response.status, details);
  }
  return data as T;
}

export const api = {
  session: () => call<SessionInfo>('GET', '/api/session'),
  login: (loginId: string, password: string) => call<SessionInfo>('POST', '/api/login', { loginId, password }),
  logout: () => call<unknown>('POST', '/api/logout', {}),
  registrationInfo: () => call<RegistrationInfo>('GET', '/api/registration-info'),
  emails: () => call<{ emails: EmailChoice[] }>('GET', '/api/emails'),
  sendStepUp: (emailId: number, purpose: StepUpPurpose) => call<{ sentTo: string; expiresAt: number | string }>('POST', '/api/step-up/email', { emailId, purpose }),
  verifyStepUp: (code: string, purpose: StepUpPurpose) => call<{ method: string }>('POST', '/api/step-up/verify', { code, purpose }),
  enrollOtp: () => call<{ uri: string; secret: string }>('POST', '/api/otp/enroll', {}),
  confirmOtp: (code: string) => call<{ status: string }>('POST', '/api/otp/confirm', { code }),
  registrationOptions: () => call<{ ceremonyId: string; options: Record<string, unknown> }>('POST', '/api/passkeys/registration/options', {}),
  registrationVerify: (ceremonyId: string, response: unknown) =>
    call<{ passkey: { name: string } }>('POST', '/api/passkeys/registration/verify', { ceremonyId, response, locale: uiLocale() }),
  passkeys: () => call<{ passkeys: CustomerPasskey[] }>('GET', '/api/passkeys'),
  deletePasskey: (credentialId: string) => call<{ credentialId: string }>('POST', '/api/passkeys/delete', { credentialId }),
  signalData: () => call<{ rpId: string; userId: string; name: string; displayName: string; acceptedCredentialIds: string[] }>('GET', '/api/passkeys/signals'),
  loginOptions: (loginId?: string) => call<{ ceremonyId: string; options: Record<string, unknown> }>('POST', '/api/passkeys/login/options', loginId ? { loginId } : {}),
  loginVerify: (ceremonyId: string, response: unknown) => call<SessionInfo>('POST', '/api/passkeys/login/verify', { ceremonyId, response }),
};
