// @peculiar/x509 (attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { parseProfile, profileJsonSchema } from '../../../core/authenticator/profileSchema.js';
import { builtInProfiles, resolveProfile, type DeviceProfile } from '../../../core/authenticator/profiles.js';
import { createClient } from '../../../core/client/createClient.js';
import { HarnessError } from '../../../core/errors.js';
import { parseAuthenticatorData } from '../../../core/webauthn/authData.js';

// Device-profile guards found unpinned by mutation testing: what a user-supplied profile may say,
// and what the authenticator then puts in front of a verifier.
const rpId = 'bank.example.jp';
const origin = `https://${rpId}`;
const clientDataHash = new Uint8Array(32).fill(7);
const taro = { id: Uint8Array.of(1, 2, 3), name: 'taro', displayName: 'Taro' };
const es256 = [{ alg: -7 }];

const custom = (patch: Partial<DeviceProfile>): DeviceProfile => ({ ...builtInProfiles['yubikey-5']!, id: 'custom-key', ...patch });

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return error instanceof HarnessError ? error.code : `raw ${(error as Error)?.constructor?.name}`;
  }
}

/** Registers through the client and returns what @simplewebauthn/server (an independent verifier) makes of it. */
async function registerWith(profile: DeviceProfile, attestationType: 'none' | 'direct' | 'enterprise' = 'none') {
  const authenticator = createAuthenticator({ profile, seed: 'guards-profiles' });
  const options = await generateRegistrationOptions({ rpName: 'Bank', rpID: rpId, userName: 'taro', attestationType, supportedAlgorithmIDs: [-7, -8, -257] });
  const response = await createClient({ authenticator, origin }).create(options);
  const verified = await verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpId, supportedAlgorithmIDs: [-7, -8, -257] });
  return { response, info: verified.registrationInfo! };
}

describe('AAGUID (WebAuthn §6.5.1: 16 bytes; profiles spell it as a lowercase UUID)', () => {
  it('puts a custom profile’s AAGUID into attestedCredentialData, as the verifier reads it', async () => {
    const { info } = await registerWith(custom({ aaguid: '0123abcd-4567-89ef-0123-456789abcdef' }));
    expect(info.aaguid).toBe('0123abcd-4567-89ef-0123-456789abcdef');
  });

  // Refused when the phone is created, not at its first registration: a bad profile must never half-work.
  for (const [name, aaguid] of [
    ['not a UUID', 'nope'],
    ['trailing junk', 'cb69481e-8ff7-4039-93ec-0a2729a154a8ff'],
    ['leading junk', 'xcb69481e-8ff7-4039-93ec-0a2729a154a8'],
    // MDS entries and the RP's model lookup compare AAGUID strings; an uppercase one would never match.
    ['uppercase in the first group', 'CB69481E-8ff7-4039-93ec-0a2729a154a8'],
    ['uppercase in the last group', 'cb69481e-8ff7-4039-93ec-0A2729A154A8'],
    ['no dashes', 'cb69481e8ff7403993ec0a2729a154a8'],
  ] as const) {
    it(`refuses an AAGUID with ${name} at createAuthenticator, with CONFIG_INVALID`, () => {
      expect(codeOf(() => createAuthenticator({ profile: custom({ aaguid }) }))).toBe('CONFIG_INVALID');
    });
  }
});

describe('algorithms (COSE -7 ES256, -8 EdDSA, -257 RS256 only)', () => {
  it('refuses an empty algorithm list when the profile is resolved, not at the first registration', () => {
    expect(codeOf(() => resolveProfile(custom({ algorithms: [] })))).toBe('CONFIG_INVALID');
  });

  it('refuses an algorithm the harness cannot sign with (ES384 -35), even after supported ones', () => {
    expect(codeOf(() => resolveProfile(custom({ algorithms: [-7, -35 as never] })))).toBe('CONFIG_INVALID');
  });

  // WebAuthn §8.6: FIDO U2F statements carry only a P-256 key. A profile object given to
  // createAuthenticator must be held to the same rule as a profile file.
  it('refuses a fido-u2f profile without ES256, whether given as an object or as a file', () => {
    const eddsaOnly = custom({ attestation: 'fido-u2f', algorithms: [-8] });
    expect(codeOf(() => createAuthenticator({ profile: eddsaOnly }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => parseProfile({ id: 'u2f', label: 'U2F', aaguid: eddsaOnly.aaguid, attestation: 'fido-u2f', algorithms: [-8] }))).toBe('CONFIG_INVALID');
    expect(parseProfile({ id: 'u2f', label: 'U2F', aaguid: eddsaOnly.aaguid, attestation: 'fido-u2f', algorithms: [-8, -7] }).algorithms).toEqual([-8, -7]);
  });
});

describe('credential ID length (WebAuthn §4: at most 1023 bytes; CTAP2 needs at least 16 bytes of entropy)', () => {
  it('accepts 16 and 1023 bytes and makes IDs of exactly that length', async () => {
    for (const credentialIdLength of [16, 1023]) {
      const authenticator = createAuthenticator({ profile: custom({ credentialIdLength }), seed: 'id-length' });
      const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
      expect(made.credentialId).toHaveLength(credentialIdLength);
      expect(parseAuthenticatorData(made.authenticatorData).attestedCredentialData!.credentialId).toHaveLength(credentialIdLength);
    }
  });

  it('refuses 15 and 1024 bytes with CONFIG_INVALID', () => {
    for (const credentialIdLength of [15, 1024]) {
      expect(codeOf(() => resolveProfile(custom({ credentialIdLength })))).toBe('CONFIG_INVALID');
      expect(codeOf(() => parseProfile({ id: 'k', label: 'K', aaguid: builtInProfiles['yubikey-5']!.aaguid, credentialIdLength }))).toBe('CONFIG_INVALID');
    }
  });
});

describe('profile files (pkh phone create --profile-file)', () => {
  const aaguid = '0123abcd-4567-89ef-0123-456789abcdef';

  // The defaults the published JSON Schema advertises: a roaming USB key, no sync, counting, no attestation.
  it('fills the documented defaults for a minimal file', () => {
    expect(parseProfile({ id: 'minimal', label: 'Minimal key', aaguid })).toEqual({
      id: 'minimal',
      label: 'Minimal key',
      aaguid,
      attachment: 'cross-platform',
      transports: ['usb'],
      backupEligible: false,
      backupState: false,
      counterPolicy: 'increment',
      attestation: 'none',
      algorithms: [-7],
      residentKey: true,
      uv: true,
      credentialIdLength: 32,
    });
  });

  it('refuses a misspelt key instead of silently using the default (backupEligable)', () => {
    expect(codeOf(() => parseProfile({ id: 'typo', label: 'Typo', aaguid, backupEligable: true }))).toBe('CONFIG_INVALID');
  });

  // "What an editor completes is exactly what the harness accepts": the bounds must be in the schema too.
  it('publishes the same bounds the harness enforces', () => {
    const properties = profileJsonSchema().properties as Record<string, Record<string, unknown>>;
    expect(properties.algorithms).toMatchObject({ minItems: 1 });
    expect(properties.credentialIdLength).toMatchObject({ minimum: 16, maximum: 1023 });
    expect(properties.aaguid!.pattern).toBe('^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$');
  });
});

describe('resolveProfile', () => {
  it('finds a caller’s extra profiles by id, ahead of a built-in with the same id, and lists them when the id is unknown', () => {
    const mine = custom({ id: 'yubikey-5', label: 'Our patched YubiKey' });
    expect(resolveProfile('yubikey-5', { 'yubikey-5': mine }).label).toBe('Our patched YubiKey');
    expect(resolveProfile('yubikey-5').label).toBe('YubiKey 5 NFC');
    try {
      resolveProfile('nokia-3310', { 'lab-key': custom({ id: 'lab-key' }) });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'PROFILE_UNKNOWN', details: { known: expect.arrayContaining(['lab-key', 'iphone-icloud']) } });
    }
  });
});

describe('backup flags (WebAuthn §6.1.3: BS requires BE)', () => {
  it('a synced profile’s BE and BS reach the verifier; a device-bound one reports neither', async () => {
    const synced = await registerWith(builtInProfiles['android-gpm']!);
    expect([synced.info.credentialDeviceType, synced.info.credentialBackedUp]).toEqual(['multiDevice', true]);
    const eligibleNotSynced = await registerWith(custom({ backupEligible: true, backupState: false }));
    expect([eligibleNotSynced.info.credentialDeviceType, eligibleNotSynced.info.credentialBackedUp]).toEqual(['multiDevice', false]);
    const bound = await registerWith(builtInProfiles['yubikey-5']!);
    expect([bound.info.credentialDeviceType, bound.info.credentialBackedUp]).toEqual(['singleDevice', false]);
  });
});

describe('attestation format (WebAuthn §5.4.7 conveyance)', () => {
  it('sends the profile’s statement for direct and enterprise conveyance, and the verifier accepts it', async () => {
    for (const conveyance of ['direct', 'enterprise'] as const) {
      const { info } = await registerWith(builtInProfiles['windows-hello']!, conveyance);
      expect(info.fmt).toBe('packed');
      const none = await registerWith(builtInProfiles['windows-hello']!, 'none');
      expect(none.info.fmt).toBe('none');
    }
  });
});
