import type { CredentialStore } from '../authenticator/index.js';
import type { Clock } from '../clock.js';
import type { CdpCredential, CdpSend } from './cdpTypes.js';
import { importCdpCredentials, type ImportCdpCredentialsResult } from './importCdpCredentials.js';

/**
 * Reads the virtual authenticator back (`WebAuthn.getCredentials`) and writes new credentials
 * and advanced counters into the phone's store, so the phone keeps its state after the browser
 * forgets it.
 */
export async function syncVirtualAuthenticator(options: {
  send: CdpSend;
  authenticatorId: string;
  store: CredentialStore;
  clock?: Clock;
}): Promise<ImportCdpCredentialsResult & { credentials: CdpCredential[] }> {
  const { send, authenticatorId, store, clock } = options;
  const { credentials } = (await send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: CdpCredential[] };
  return { ...importCdpCredentials({ store, credentials, clock }), credentials };
}
