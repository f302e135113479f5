import type { DeviceProfile, StoredCredential } from '../authenticator/index.js';
import type { CdpCredential, CdpVirtualAuthenticatorOptions } from './cdpTypes.js';

/** CDP binary fields are RFC 4648 §4 base64 (with padding). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * The virtual authenticator closest to a phone's profile. CDP takes ONE transport: the phone's
 * first of internal/usb/nfc/ble, with `hybrid` mapped to `cable` (CDP's name for it); a
 * platform profile is always `internal` so `authenticatorAttachment` reads "platform".
 */
export function virtualAuthenticatorOptions(profile: DeviceProfile): CdpVirtualAuthenticatorOptions {
  return {
    protocol: 'ctap2',
    ctap2Version: 'ctap2_1',
    transport: cdpTransport(profile),
    hasResidentKey: profile.residentKey,
    hasUserVerification: profile.uv,
    isUserVerified: profile.uv,
    automaticPresenceSimulation: true,
    defaultBackupEligibility: profile.backupEligible,
    defaultBackupState: profile.backupState,
  };
}

export function cdpTransport(profile: DeviceProfile): CdpVirtualAuthenticatorOptions['transport'] {
  if (profile.attachment === 'platform') return 'internal';
  for (const t of profile.transports) {
    if (t === 'usb' || t === 'nfc' || t === 'ble' || t === 'internal') return t;
    if (t === 'hybrid') return 'cable';
  }
  return 'usb';
}

/** One vault credential as `WebAuthn.addCredential` takes it (PKCS#8 private key, standard base64). */
export function toCdpCredential(credential: StoredCredential, profile: DeviceProfile): CdpCredential {
  const out: CdpCredential = {
    credentialId: toBase64(credential.id),
    isResidentCredential: credential.discoverable,
    rpId: credential.rpId,
    privateKey: toBase64(credential.privateKey),
    signCount: credential.signCount,
    backupEligibility: profile.backupEligible,
    backupState: profile.backupState,
  };
  if (credential.userHandle) out.userHandle = toBase64(credential.userHandle);
  if (credential.userName !== null) out.userName = credential.userName;
  if (credential.userDisplayName !== null) out.userDisplayName = credential.userDisplayName;
  return out;
}
