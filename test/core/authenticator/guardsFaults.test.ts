// @peculiar/x509 (attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse, type WebAuthnCredential } from '@simplewebauthn/server';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { flipLastByte, type AuthenticatorFaults } from '../../../core/authenticator/faults.js';
import { createClient } from '../../../core/client/createClient.js';
import { fromBase64url } from '../../../core/webauthn/base64url.js';
import { parseAuthenticatorData } from '../../../core/webauthn/authData.js';

// Fault injection as an independent verifier (@simplewebauthn/server) sees it: each knob produces
// the one defect it names, for the call it is given to and no other.
const rpID = 'bank.example.jp';
const origin = `https://${rpID}`;

/** What the verifier says: 'verified', 'not verified' (bad signature) or the error it threw. */
async function verdict(check: Promise<{ verified: boolean }>): Promise<string> {
  try {
    return (await check).verified ? 'verified' : 'not verified';
  } catch (error) {
    return String((error as Error).message);
  }
}

async function register(profile: string, faults?: AuthenticatorFaults) {
  const authenticator = createAuthenticator({ profile, seed: 'guards-faults' });
  const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro', attestationType: 'direct', authenticatorSelection: { userVerification: 'required' } });
  const response = await createClient({ authenticator, origin, ...(faults ? { faults } : {}) }).create(options);
  const check = () => verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true });
  return { authenticator, response, check };
}

describe('per-ceremony faults at registration (WebAuthn §7.1)', () => {
  // The client hands its own faults to makeCredential for this call only; the phone stays unarmed.
  for (const [fault, expected] of [
    [{ corruptSignature: true }, /signature|not verified/i],
    [{ wrongRpIdHash: true }, /RP ID hash/i],
    [{ clearUp: true }, /not present/i],
    [{ clearUv: true }, /verification/i],
    [{ malformedCbor: true }, /.+/],
  ] as const) {
    it(`${Object.keys(fault)[0]} given for one ceremony is refused by the verifier, and leaves the phone unarmed`, async () => {
      const faulty = await register('yubikey-5', fault);
      const result = await verdict(faulty.check());
      expect(result).not.toBe('verified');
      expect(result).toMatch(expected);
      expect(faulty.authenticator.faults).toEqual({});
      expect(await verdict((await register('yubikey-5')).check())).toBe('verified');
    });
  }

  it('a per-call fault replaces the phone’s armed faults for that call (makeCredential)', async () => {
    const authenticator = createAuthenticator({ profile: 'windows-hello', seed: 'replace', faults: { clearUp: true } });
    const made = await authenticator.makeCredential({ rpId: rpID, clientDataHash: new Uint8Array(32), user: { id: Uint8Array.of(1), name: 't', displayName: 'T' }, pubKeyCredParams: [{ alg: -7 }], faults: {} });
    expect(parseAuthenticatorData(made.authenticatorData).flags.up).toBe(true);
  });

  it('flipBackupState for one registration: the verifier sees a synced passkey that is not backed up', async () => {
    const faulty = await register('iphone-icloud', { flipBackupState: true });
    const info = (await faulty.check()).registrationInfo!;
    expect([info.credentialDeviceType, info.credentialBackedUp]).toEqual(['multiDevice', false]);
  });
});

describe('per-ceremony faults at authentication (WebAuthn §7.2)', () => {
  async function loginWith(faults: AuthenticatorFaults, profile = 'yubikey-5') {
    const { authenticator, check } = await register(profile);
    const credential: WebAuthnCredential = (await check()).registrationInfo!.credential;
    const login = async (clientFaults?: AuthenticatorFaults) => {
      const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }], userVerification: 'required' });
      const response = await createClient({ authenticator, origin, ...(clientFaults ? { faults: clientFaults } : {}) }).get(options);
      const result = await verdict(
        verifyAuthenticationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID, credential, requireUserVerification: true }).then((r) => {
          if (r.verified) credential.counter = r.authenticationInfo.newCounter;
          return r;
        }),
      );
      return { result, response };
    };
    expect((await login()).result).toBe('verified');
    const faulty = await login(faults);
    expect(authenticator.faults).toEqual({});
    // The next clean login still verifies: the fault touched that one call only.
    const clean = await login();
    return { faulty, clean };
  }

  for (const [fault, expected] of [
    [{ corruptSignature: true }, /not verified/],
    [{ wrongRpIdHash: true }, /RP ID hash/i],
    [{ clearUp: true }, /not present/i],
    [{ clearUv: true }, /verification/i],
    [{ malformedCbor: true }, /.+/],
  ] as const) {
    it(`${Object.keys(fault)[0]} for one login is refused, and the next clean login verifies`, async () => {
      const { faulty, clean } = await loginWith(fault);
      expect(faulty.result).not.toBe('verified');
      expect(faulty.result).toMatch(expected);
      expect(clean.result).toBe('verified');
    });
  }

  it('counterRegression is refused and leaves the phone behind, as a clone: clean logins are refused until it counts past the RP', async () => {
    const { authenticator, check } = await register('yubikey-5');
    const credential: WebAuthnCredential = (await check()).registrationInfo!.credential;
    const login = async (faults?: AuthenticatorFaults) => {
      const options = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }], userVerification: 'required' });
      const response = await createClient({ authenticator, origin, ...(faults ? { faults } : {}) }).get(options);
      return verdict(
        verifyAuthenticationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID, credential, requireUserVerification: true }).then((r) => {
          if (r.verified) credential.counter = r.authenticationInfo.newCounter;
          return r;
        }),
      );
    };
    expect(await login()).toBe('verified');
    expect(await login()).toBe('verified');
    expect(credential.counter).toBe(2);
    expect(await login({ counterRegression: true })).toMatch(/counter/i);
    expect(authenticator.faults).toEqual({});
    // The phone kept 1; its next count, 2, is not above what the RP accepted; 3 is.
    expect(await login()).toMatch(/counter/i);
    expect(await login()).toBe('verified');
  });

  it('flipBackupState for one login: BS clear on a synced passkey, BE untouched', async () => {
    const { faulty, clean } = await loginWith({ flipBackupState: true }, 'android-gpm');
    expect(faulty.result).toBe('verified');
    expect(parseAuthenticatorData(fromBase64url(faulty.response.response.authenticatorData)).flags).toMatchObject({ be: true, bs: false });
    expect(parseAuthenticatorData(fromBase64url(clean.response.response.authenticatorData)).flags).toMatchObject({ be: true, bs: true });
  });

  it('a per-call fault replaces the phone’s armed faults for that call (getAssertion)', async () => {
    const authenticator = createAuthenticator({ profile: 'yubikey-5', seed: 'replace-get' });
    const made = await authenticator.makeCredential({ rpId: rpID, clientDataHash: new Uint8Array(32), user: { id: Uint8Array.of(1), name: 't', displayName: 'T' }, pubKeyCredParams: [{ alg: -7 }] });
    authenticator.faults = { clearUp: true };
    const asserted = await authenticator.getAssertion({ rpId: rpID, clientDataHash: new Uint8Array(32), allowList: [made.credentialId], faults: {} });
    expect(parseAuthenticatorData(asserted.authenticatorData).flags.up).toBe(true);
    expect((await authenticator.getAssertion({ rpId: rpID, clientDataHash: new Uint8Array(32), allowList: [made.credentialId] })).authenticatorData[32]! & 0x01).toBe(0);
  });
});

describe('malformedCbor at authentication', () => {
  // The extensions map is unterminated behind a set ED flag: a parser runs out of input inside the map,
  // rather than stopping at the end of the fixed header and reporting mere trailing bytes.
  it('sets ED and appends an unfinished map, so authData itself fails to parse', async () => {
    const authenticator = createAuthenticator({ profile: 'yubikey-5', seed: 'malformed', faults: {} });
    const made = await authenticator.makeCredential({ rpId: rpID, clientDataHash: new Uint8Array(32), user: { id: Uint8Array.of(1), name: 't', displayName: 'T' }, pubKeyCredParams: [{ alg: -7 }] });
    const asserted = await authenticator.getAssertion({ rpId: rpID, clientDataHash: new Uint8Array(32), allowList: [made.credentialId], faults: { malformedCbor: true } });
    expect(asserted.authenticatorData[32]! & 0x80).toBe(0x80);
    expect(asserted.authenticatorData.subarray(37)).toEqual(Uint8Array.of(0xa1, 0x63));
    expect(() => parseAuthenticatorData(asserted.authenticatorData)).toThrow();
  });
});

describe('flipLastByte', () => {
  it('returns a copy with the last bit flipped and leaves the signature it was given alone', () => {
    const signature = Uint8Array.of(1, 2, 3);
    expect(flipLastByte(signature)).toEqual(Uint8Array.of(1, 2, 2));
    expect(signature).toEqual(Uint8Array.of(1, 2, 3));
    expect(flipLastByte(new Uint8Array(0))).toEqual(new Uint8Array(0));
  });
});
