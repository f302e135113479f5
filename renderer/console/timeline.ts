import type { CeremonyRecord, SignalRecord } from './webauthnShim.js';

/**
 * One thing in a phone's live timeline, the way a trace viewer lists a run: the options the
 * page passed, the device prompt and QA's answer, the authenticator's response, and the
 * server's verdict on it; also RP signals and mail. Ceremony steps carry their record so a
 * click opens it in the inspector.
 */
export interface TimelineEvent {
  id: number;
  at: string;
  kind: 'options' | 'prompt' | 'response' | 'verdict' | 'signal' | 'mail' | 'page';
  status: 'info' | 'ok' | 'fail' | 'pending';
  ceremony?: 'create' | 'get';
  /** Ceremony number within this phone (groups options → prompt → response → verdict). */
  ceremonyNo?: number;
  /** Plain text, or a message key rendered in the console's current language (switching language re-renders it). */
  detail: string | { key: string; params?: Record<string, unknown> };
  record?: CeremonyRecord;
  signal?: SignalRecord;
}

/** The customer-page API calls whose answer is the server's verdict on a ceremony. */
export function verdictCeremony(path: string): 'create' | 'get' | undefined {
  if (path.endsWith('/api/passkeys/registration/verify')) return 'create';
  if (path.endsWith('/api/passkeys/login/verify')) return 'get';
  return undefined;
}
