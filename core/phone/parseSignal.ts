import { HarnessError } from '../errors.js';
import type { RpSignal } from './applySignal.js';

const text = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw new HarnessError('INVALID_INPUT', `${what} must be a non-empty string`);
  return value;
};

/**
 * A page's Signal API call is untrusted input (it comes from page script through a binding):
 * only the three documented shapes pass (WebAuthn L3 §5.1.10), with bounded lengths; anything
 * else is `INVALID_INPUT`. Shared by the shim (`core/browser`) and attachPhone (`core/playwright`).
 */
export function parseSignal(payload: unknown): RpSignal {
  const p = (payload ?? {}) as Record<string, unknown>;
  const rpId = text(p.rpId, 'rpId');
  if (p.signal === 'unknownCredential') return { signal: 'unknownCredential', rpId, credentialId: text(p.credentialId, 'credentialId') };
  if (p.signal === 'allAcceptedCredentials') {
    const ids = p.allAcceptedCredentialIds;
    if (!Array.isArray(ids) || ids.length > 10_000) throw new HarnessError('INVALID_INPUT', 'allAcceptedCredentialIds must be an array');
    return { signal: 'allAcceptedCredentials', rpId, userId: text(p.userId, 'userId'), allAcceptedCredentialIds: ids.map((id) => text(id, 'allAcceptedCredentialIds[]')) };
  }
  if (p.signal === 'currentUserDetails') {
    const name = typeof p.name === 'string' ? p.name : '';
    const displayName = typeof p.displayName === 'string' ? p.displayName : '';
    if (name.length > 1024 || displayName.length > 1024) throw new HarnessError('INVALID_INPUT', 'name and displayName are at most 1024 characters');
    return { signal: 'currentUserDetails', rpId, userId: text(p.userId, 'userId'), name, displayName };
  }
  throw new HarnessError('INVALID_INPUT', 'unknown signal');
}
