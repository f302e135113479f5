import type { CredentialStore, StoredCredential } from '../authenticator/index.js';
import { checkRpId } from '../client/index.js';
import { fromBase64url, toBase64url } from '../webauthn/index.js';

/** What a page passes to `PublicKeyCredential.signal*` (WebAuthn L3 §5.1.10), named by the method. */
export type RpSignal =
  | { signal: 'unknownCredential'; rpId: string; credentialId: string }
  | { signal: 'allAcceptedCredentials'; rpId: string; userId: string; allAcceptedCredentialIds: string[] }
  | { signal: 'currentUserDetails'; rpId: string; userId: string; name: string; displayName: string };

export interface SignalResult {
  signal: RpSignal['signal'];
  rpId: string;
  origin: string;
  /** base64url ids the phone dropped. */
  removed: string[];
  /** base64url ids whose user name / display name changed. */
  updated: string[];
}

/**
 * The phone honours an RP's Signal API call from a page at `origin`: it drops a credential the RP
 * no longer knows, drops the user's credentials missing from the accepted list, or renames the
 * user. Only credentials for that RP ID are touched; the RP ID must fit the origin as for a
 * ceremony (`SECURITY_ERROR` otherwise).
 */
export function applySignal(store: CredentialStore, signal: RpSignal, options: { origin: string }): SignalResult {
  const rpId = checkRpId(options.origin, signal.rpId);
  // §5.1.10: ids are compared as bytes. The strict decoder admits one spelling per byte string, so
  // checking every id up front lets the canonical strings below stand for the bytes, and a
  // misspelt accepted id can never make a valid passkey look unaccepted (and be deleted).
  if (signal.signal === 'unknownCredential') fromBase64url(signal.credentialId, 'credentialId');
  else fromBase64url(signal.userId, 'userId');
  if (signal.signal === 'allAcceptedCredentials') Array.from(signal.allAcceptedCredentialIds, (id) => fromBase64url(id, 'allAcceptedCredentialIds[]'));
  const forRp = store.list({ rpId });
  const handleOf = (c: StoredCredential) => (c.userHandle ? toBase64url(c.userHandle) : '');
  const removed: StoredCredential[] = [];
  const updated: StoredCredential[] = [];
  if (signal.signal === 'unknownCredential') {
    removed.push(...forRp.filter((c) => toBase64url(c.id) === signal.credentialId));
  } else if (signal.signal === 'allAcceptedCredentials') {
    const accepted = new Set(signal.allAcceptedCredentialIds);
    removed.push(...forRp.filter((c) => handleOf(c) === signal.userId && !accepted.has(toBase64url(c.id))));
  } else {
    for (const c of forRp.filter((x) => handleOf(x) === signal.userId && (x.userName !== signal.name || x.userDisplayName !== signal.displayName))) {
      store.put({ ...c, userName: signal.name, userDisplayName: signal.displayName });
      updated.push(c);
    }
  }
  for (const c of removed) store.delete(c.id);
  return { signal: signal.signal, rpId, origin: options.origin, removed: removed.map((c) => toBase64url(c.id)), updated: updated.map((c) => toBase64url(c.id)) };
}
