import { HarnessError } from '../errors.js';
import { COSEAlg, type AuthenticatorTransport } from '../webauthn/index.js';

export type CounterPolicy = 'increment' | 'zero' | 'regress';
export type AttestationKind = 'none' | 'packed-self' | 'packed-x5c' | 'fido-u2f';

/** A device the harness can pretend to be. Profiles are plain data: users add their own. */
export interface DeviceProfile {
  id: string;
  label: string;
  /** Canonical UUID form. */
  aaguid: string;
  attachment: 'platform' | 'cross-platform';
  transports: AuthenticatorTransport[];
  backupEligible: boolean;
  backupState: boolean;
  counterPolicy: CounterPolicy;
  attestation: AttestationKind;
  /** Supported algorithms; CTAP2 picks the first of the RP's pubKeyCredParams found here. */
  algorithms: COSEAlg[];
  /** Can store discoverable credentials. */
  residentKey: boolean;
  /** Has a built-in user verification method (biometric, PIN). */
  uv: boolean;
  /** How it verifies the user, in words (listings only). */
  uvMethod?: string;
  /** Length of generated credential IDs. */
  credentialIdLength: number;
}

/**
 * Built-ins carry the AAGUIDs these products publish (passkey-authenticator-aaguids list and
 * FIDO MDS). Synced passkeys report counter 0 and BE+BS (WebAuthn §6.1.3).
 */
export const builtInProfiles: Readonly<Record<string, DeviceProfile>> = {
  'iphone-icloud': {
    id: 'iphone-icloud',
    label: 'iPhone (iCloud Keychain)',
    aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
    attachment: 'platform',
    transports: ['hybrid', 'internal'],
    backupEligible: true,
    backupState: true,
    counterPolicy: 'zero',
    attestation: 'none',
    algorithms: [COSEAlg.ES256],
    residentKey: true,
    uv: true,
    uvMethod: 'Face ID / Touch ID / passcode',
    credentialIdLength: 20,
  },
  'android-gpm': {
    id: 'android-gpm',
    label: 'Android (Google Password Manager)',
    aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4',
    attachment: 'platform',
    transports: ['hybrid', 'internal'],
    backupEligible: true,
    backupState: true,
    counterPolicy: 'zero',
    attestation: 'none',
    algorithms: [COSEAlg.ES256],
    residentKey: true,
    uv: true,
    uvMethod: 'fingerprint / face / screen lock',
    credentialIdLength: 16,
  },
  'yubikey-5': {
    id: 'yubikey-5',
    label: 'YubiKey 5 NFC',
    aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
    attachment: 'cross-platform',
    transports: ['nfc', 'usb'],
    backupEligible: false,
    backupState: false,
    counterPolicy: 'increment',
    attestation: 'packed-x5c',
    algorithms: [COSEAlg.ES256, COSEAlg.EdDSA, COSEAlg.RS256],
    residentKey: true,
    uv: true,
    uvMethod: 'PIN (touch for presence)',
    credentialIdLength: 64,
  },
  'windows-hello': {
    id: 'windows-hello',
    label: 'Windows Hello',
    aaguid: '08987058-cadc-4b81-b6e1-30de50dcbe96',
    attachment: 'platform',
    transports: ['internal'],
    backupEligible: false,
    backupState: false,
    counterPolicy: 'increment',
    attestation: 'packed-self',
    algorithms: [COSEAlg.ES256, COSEAlg.RS256],
    residentKey: true,
    uv: true,
    uvMethod: 'face / fingerprint / PIN',
    credentialIdLength: 32,
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function aaguidToBytes(aaguid: string): Uint8Array {
  if (!UUID.test(aaguid)) throw new HarnessError('CONFIG_INVALID', `AAGUID ${aaguid} is not a lowercase UUID`);
  const hex = aaguid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToAaguid(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Checks a user-supplied profile for coherence (BS needs BE, known algorithms, fido-u2f is ES256 only). */
export function validateProfile(profile: DeviceProfile): DeviceProfile {
  aaguidToBytes(profile.aaguid);
  if (profile.backupState && !profile.backupEligible) throw new HarnessError('CONFIG_INVALID', `profile ${profile.id}: backupState requires backupEligible`);
  if (profile.algorithms.length === 0) throw new HarnessError('CONFIG_INVALID', `profile ${profile.id}: no algorithms`);
  for (const alg of profile.algorithms) {
    if (alg !== -7 && alg !== -8 && alg !== -257) throw new HarnessError('CONFIG_INVALID', `profile ${profile.id}: unsupported algorithm ${alg}`);
  }
  // WebAuthn §8.6: a U2F statement can only carry a P-256 key. Checked here, not only in parseProfile, so a
  // profile object handed to createAuthenticator cannot claim EdDSA-only and then make ES256 keys.
  if (profile.attestation === 'fido-u2f' && !profile.algorithms.includes(COSEAlg.ES256)) {
    throw new HarnessError('CONFIG_INVALID', `profile ${profile.id}: fido-u2f attestation needs ES256 (-7) among the algorithms`);
  }
  if (profile.credentialIdLength < 16 || profile.credentialIdLength > 1023) throw new HarnessError('CONFIG_INVALID', `profile ${profile.id}: credentialIdLength out of range`);
  return profile;
}

/** A built-in id, or a profile object the user supplied. */
export function resolveProfile(idOrProfile: string | DeviceProfile, extra: Readonly<Record<string, DeviceProfile>> = {}): DeviceProfile {
  if (typeof idOrProfile !== 'string') return validateProfile(idOrProfile);
  const found = extra[idOrProfile] ?? builtInProfiles[idOrProfile];
  if (!found) throw new HarnessError('PROFILE_UNKNOWN', `unknown device profile "${idOrProfile}"`, { details: { known: Object.keys({ ...builtInProfiles, ...extra }) } });
  return found;
}
