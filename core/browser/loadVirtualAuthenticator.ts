import type { DeviceProfile, StoredCredential } from '../authenticator/index.js';
import { toBase64url } from '../webauthn/base64url.js';
import { toCdpCredential, virtualAuthenticatorOptions } from './cdpCommands.js';
import type { CdpSend, CdpVirtualAuthenticatorOptions } from './cdpTypes.js';

export interface LoadVirtualAuthenticatorResult {
  authenticatorId: string;
  options: CdpVirtualAuthenticatorOptions;
  /** base64url ids loaded into the browser. */
  loaded: string[];
  /** Credentials the browser refused (e.g. an algorithm its virtual authenticator cannot hold). */
  skipped: { credentialId: string; reason: string }[];
}

/**
 * `WebAuthn.enable` → `WebAuthn.addVirtualAuthenticator` (options from the phone's profile) →
 * one `WebAuthn.addCredential` per stored credential. Works over any CDP `send`: a playwright
 * CDPSession, Electron's webContents.debugger, or a test fake.
 */
export async function loadVirtualAuthenticator(options: {
  send: CdpSend;
  profile: DeviceProfile;
  credentials: readonly StoredCredential[];
  /** Show Chromium's own WebAuthn UI (headed sessions); default false. */
  enableUI?: boolean;
}): Promise<LoadVirtualAuthenticatorResult> {
  const { send, profile, credentials, enableUI = false } = options;
  await send('WebAuthn.enable', { enableUI });
  const authenticatorOptions = virtualAuthenticatorOptions(profile);
  const { authenticatorId } = (await send('WebAuthn.addVirtualAuthenticator', { options: authenticatorOptions })) as { authenticatorId: string };
  const result: LoadVirtualAuthenticatorResult = { authenticatorId, options: authenticatorOptions, loaded: [], skipped: [] };
  for (const credential of credentials) {
    const id = toBase64url(credential.id);
    try {
      await send('WebAuthn.addCredential', { authenticatorId, credential: toCdpCredential(credential, profile) });
      result.loaded.push(id);
    } catch (error) {
      result.skipped.push({ credentialId: id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
