import { HarnessError } from '../errors.js';
import { fromBase64url } from '../webauthn/index.js';
import type { RpSignal } from './applySignal.js';

const text = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw new HarnessError('INVALID_INPUT', `${what} must be a non-empty string`);
  return value;
};

/** WebAuthn L3 §5.1.10: an id that does not base64url-decode is a TypeError, before anything is touched. */
const base64urlText = (value: unknown, what: string): string => {
  const id = text(value, what);
  try {
    fromBase64url(id, what);
  } catch (cause) {
    throw new HarnessError('INVALID_INPUT', `${what} must be base64url`, { cause });
  }
  return id;
};

/** `required DOMString` in CurrentUserDetailsOptions: absent or not a string is a TypeError, not "". */
const userText = (value: unknown, what: string): string => {
  if (typeof value !== 'string') throw new HarnessError('INVALID_INPUT', `${what} must be a string`);
  if (value.length > 1024) throw new HarnessError('INVALID_INPUT', 'name and displayName are at most 1024 characters');
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
  if (p.signal === 'unknownCredential') return { signal: 'unknownCredential', rpId, credentialId: base64urlText(p.credentialId, 'credentialId') };
  if (p.signal === 'allAcceptedCredentials') {
    const ids = p.allAcceptedCredentialIds;
    if (!Array.isArray(ids) || ids.length > 10_000) throw new HarnessError('INVALID_INPUT', 'allAcceptedCredentialIds must be an array');
    const userId = base64urlText(p.userId, 'userId');
    // Array.from visits holes (map skips them): a sparse list is not an empty one.
    return { signal: 'allAcceptedCredentials', rpId, userId, allAcceptedCredentialIds: Array.from(ids, (id) => base64urlText(id, 'allAcceptedCredentialIds[]')) };
  }
  if (p.signal === 'currentUserDetails') {
    const name = userText(p.name, 'name');
    const displayName = userText(p.displayName, 'displayName');
    return { signal: 'currentUserDetails', rpId, userId: base64urlText(p.userId, 'userId'), name, displayName };
  }
  throw new HarnessError('INVALID_INPUT', 'unknown signal');
}
