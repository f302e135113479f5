import type { CredentialStore } from '../authenticator/index.js';
import type { Clock } from '../clock.js';
import type { CdpCredential, CdpSend } from './cdpTypes.js';
import { fromBase64url, toBase64url } from '../webauthn/index.js';
import { fromBase64 } from './cdpCommands.js';
import { importCdpCredentials, type ImportCdpCredentialsResult } from './importCdpCredentials.js';

/**
 * Reads the virtual authenticator back (`WebAuthn.getCredentials`) and writes new credentials
 * and advanced counters into the phone's store, so the phone keeps its state after the browser
 * forgets it. With `loadedIds` (what was loaded into Chromium), a loaded credential Chromium no
 * longer holds is dropped from the phone too: Chromium's virtual authenticator honours the
 * WebAuthn Signal API (`signalUnknownCredential`, `signalAllAcceptedCredentials`) by deleting.
 */
export async function syncVirtualAuthenticator(options: {
  send: CdpSend;
  authenticatorId: string;
  store: CredentialStore;
  clock?: Clock;
  /** base64url ids loaded into the virtual authenticator; those missing from it now are removed from `store`. */
  loadedIds?: readonly string[];
}): Promise<ImportCdpCredentialsResult & { credentials: CdpCredential[]; removed: string[] }> {
  const { send, authenticatorId, store, clock, loadedIds = [] } = options;
  const { credentials } = (await send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: CdpCredential[] };
  const imported = importCdpCredentials({ store, credentials, clock });
  const held = new Set(credentials.map((c) => toBase64url(fromBase64(c.credentialId))));
  const removed: string[] = [];
  for (const id of loadedIds) {
    if (held.has(id)) continue;
    const bytes = fromBase64url(id);
    if (store.get(bytes)) {
      store.delete(bytes);
      removed.push(id);
    }
  }
  return { ...imported, credentials, removed };
}
