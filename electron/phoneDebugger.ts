import type { CredentialStore } from '../core/authenticator/credentials.js';
import type { LocalAuth } from '../core/authenticator/localAuth.js';
import type { DeviceProfile } from '../core/authenticator/profiles.js';
import { describeCdpLimits, loadVirtualAuthenticator, syncVirtualAuthenticator, type CdpLimit, type CdpSend } from '../core/browser/index.js';
import type { ImportCdpCredentialsResult } from '../core/browser/importCdpCredentials.js';

/** The part of Electron's `webContents.debugger` this module uses (a fake in tests). */
export interface DebuggerLike {
  attach(protocolVersion?: string): void;
  detach(): void;
  isAttached(): boolean;
  sendCommand(method: string, params?: Record<string, unknown>): Promise<any>;
}

export interface PhoneFrameSession {
  authenticatorId: string;
  limits: CdpLimit[];
  /** Writes new credentials and advanced counters back to the phone. */
  sync(): Promise<ImportCdpCredentialsResult>;
  /** Syncs, removes the virtual authenticator and detaches the debugger. */
  close(): Promise<ImportCdpCredentialsResult>;
}

/**
 * A phone frame opening an arbitrary URL in the desktop app: the same CDP commands as
 * `pkh browse` (core/browser builders) sent through `webContents.debugger`. Local
 * authentication keeps the app's prompt: `automaticPresenceSimulation` is on, and `localAuth`
 * (the same prompt the console shows) is asked before the page runs a ceremony — a denial turns
 * presence off with `WebAuthn.setAutomaticPresenceSimulation`, so the page sees NotAllowedError.
 */
export async function attachPhoneDebugger(options: {
  debugger: DebuggerLike;
  profile: DeviceProfile;
  credentials: CredentialStore;
  /** Asked once when attaching; 'approve' keeps presence simulated, anything else refuses ceremonies. */
  localAuth?: LocalAuth;
  /** The URL the frame opens (its host is the RP ID shown in the prompt). */
  url?: string;
}): Promise<PhoneFrameSession> {
  const dbg = options.debugger;
  if (!dbg.isAttached()) dbg.attach('1.3');
  const send: CdpSend = (method, params) => dbg.sendCommand(method, params);
  const loaded = await loadVirtualAuthenticator({ send, profile: options.profile, credentials: options.credentials.list() });
  const { authenticatorId } = loaded;
  if (options.localAuth) {
    const rpId = options.url ? new URL(options.url).hostname : '';
    const decision = await options.localAuth({ ceremony: 'get', rpId, userVerification: 'preferred', profile: options.profile });
    if (decision !== 'approve') await send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
  }
  const sync = () => syncVirtualAuthenticator({ send, authenticatorId, store: options.credentials }).then(({ credentials: _, ...counts }) => counts);
  return {
    authenticatorId,
    limits: describeCdpLimits(options.profile),
    sync,
    async close() {
      const result = await sync();
      await send('WebAuthn.removeVirtualAuthenticator', { authenticatorId }).catch(() => undefined);
      if (dbg.isAttached()) dbg.detach();
      return result;
    },
  };
}
