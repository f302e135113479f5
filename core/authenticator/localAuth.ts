import { HarnessError } from '../errors.js';
import type { DeviceProfile } from './profiles.js';

export type UserVerificationRequirement = 'required' | 'preferred' | 'discouraged';
/** What the person holding the phone does at the prompt; the one list every front end offers (CLI, scenario, dialog). */
export const LOCAL_AUTH_DECISIONS = ['approve', 'deny', 'timeout', 'uv-unavailable'] as const;
export type LocalAuthDecision = (typeof LOCAL_AUTH_DECISIONS)[number];

export interface LocalAuthRequest {
  ceremony: 'create' | 'get';
  rpId: string;
  userName?: string;
  userVerification: UserVerificationRequirement;
  profile: DeviceProfile;
}

/** The phone's face / fingerprint / PIN prompt, supplied by the front end (CLI flag, scenario step, dialog). */
export type LocalAuth = (request: LocalAuthRequest) => Promise<LocalAuthDecision>;

export const approveAll: LocalAuth = async () => 'approve';

/** Runs the prompt and turns its decision into flags, or the NotAllowedError a browser would raise. */
export async function authorizeLocally(localAuth: LocalAuth, request: LocalAuthRequest): Promise<{ up: boolean; uv: boolean }> {
  const { profile, userVerification } = request;
  if (userVerification === 'required' && !profile.uv) {
    throw new HarnessError('NOT_ALLOWED', `${profile.label} cannot verify the user, and the RP requires it`, { details: { reason: 'uv-unavailable' } });
  }
  const decision = await localAuth(request);
  switch (decision) {
    case 'approve':
      return { up: true, uv: profile.uv && userVerification !== 'discouraged' };
    case 'deny':
      throw new HarnessError('NOT_ALLOWED', 'the user denied the request', { details: { reason: 'deny' } });
    case 'timeout':
      throw new HarnessError('NOT_ALLOWED', 'the request timed out waiting for the user', { details: { reason: 'timeout' } });
    case 'uv-unavailable':
      if (userVerification === 'required') {
        throw new HarnessError('NOT_ALLOWED', 'user verification is unavailable and the RP requires it', { details: { reason: 'uv-unavailable' } });
      }
      return { up: true, uv: false };
    default:
      throw new HarnessError('INTERNAL', `unknown local authentication decision ${String(decision)}`);
  }
}
