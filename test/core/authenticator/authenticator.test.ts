import { describe, expect, it } from 'vitest';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { createAuthenticator, type CreateAuthenticatorOptions } from '../../../core/authenticator/createAuthenticator.js';
import type { AuthenticatorFaults } from '../../../core/authenticator/faults.js';
import { nobleBackend } from '../../../core/authenticator/crypto/noble.js';
import { nodeBackend } from '../../../core/authenticator/crypto/node.js';
import { builtInProfiles, resolveProfile } from '../../../core/authenticator/profiles.js';
import { createClient } from '../../../core/client/createClient.js';
import { isHarnessError } from '../../../core/errors.js';
import { sha256 } from '../../../core/webauthn/hash.js';
import { COSEAlg } from '../../../core/webauthn/cose.js';

const origin = 'https://bank.example.jp';
const rpID = 'bank.example.jp';
const clientDataHash = sha256(new Uint8Array([1, 2, 3]));
const user = { id: new Uint8Array([9, 9, 9]), name: 'taro', displayName: 'Taro' };
const es256 = [{ alg: -7, type: 'public-key' }];

async function enrolled(options: CreateAuthenticatorOptions = {}) {
  const authenticator = createAuthenticator({ seed: 'auth-test', ...options });
  const client = createClient({ authenticator, origin });
  const regOptions = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro' });
  const verification = await verifyRegistrationResponse({
    response: await client.create(regOptions),
    expectedChallenge: regOptions.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
  });
  return { authenticator, client, credential: verification.registrationInfo!.credential };
}

async function login(client: ReturnType<typeof createClient>, credential: WebAuthnCredential) {
  const authOptions = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
  return { authOptions, response: await client.get(authOptions) };
}

function verifyLogin(authOptions: { challenge: string }, response: Parameters<typeof verifyAuthenticationResponse>[0]['response'], credential: WebAuthnCredential) {
  return verifyAuthenticationResponse({ response, expectedChallenge: authOptions.challenge, expectedOrigin: origin, expectedRPID: rpID, credential });
}

/** @simplewebauthn/server reports a bad signature as `verified: false`, everything else by throwing. */
async function expectRejected(verification: Promise<{ verified: boolean }>, message: RegExp): Promise<void> {
  try {
    expect((await verification).verified).toBe(false);
    expect('signature').toMatch(message);
  } catch (error) {
    if (error instanceof Error && error.name === 'AssertionError') throw error;
    expect(String(error)).toMatch(message);
  }
}

describe('makeCredential (CTAP2 semantics)', () => {
  it('raises NOT_SUPPORTED when no offered algorithm is supported', async () => {
    const authenticator = createAuthenticator({ profile: 'iphone-icloud' });
    await expect(authenticator.makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: [{ alg: -257 }] })).rejects.toSatisfy((e) => isHarnessError(e, 'NOT_SUPPORTED'));
  });

  it('replaces a discoverable credential for the same RP and user handle', async () => {
    const authenticator = createAuthenticator({ profile: 'android-gpm', seed: 'overwrite' });
    const first = await authenticator.makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256, residentKey: 'required' });
    const second = await authenticator.makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256, residentKey: 'required' });
    const ids = authenticator.listCredentials({ rpId: rpID }).map((c) => c.id);
    expect(ids).toEqual([second.credentialId]);
    expect(ids).not.toContainEqual(first.credentialId);
  });

  it('keeps a security key credential non-discoverable when the RP discourages resident keys', async () => {
    const authenticator = createAuthenticator({ profile: 'yubikey-5', seed: 'nonrk' });
    const result = await authenticator.makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256, residentKey: 'discouraged' });
    expect(result.discoverable).toBe(false);
    await expect(authenticator.getAssertion({ rpId: rpID, clientDataHash })).rejects.toSatisfy((e) => isHarnessError(e, 'NOT_ALLOWED'));
    const assertion = await authenticator.getAssertion({ rpId: rpID, clientDataHash, allowList: [result.credentialId] });
    expect(assertion.userHandle).toBeNull();
  });

  it('is reproducible from a seed (credential id and public key)', async () => {
    const a = await createAuthenticator({ seed: 'same' }).makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256 });
    const b = await createAuthenticator({ seed: 'same', backend: nodeBackend }).makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256 });
    expect(b.credentialId).toEqual(a.credentialId);
    expect(b.publicKeyCose).toEqual(a.publicKeyCose);
  });
});

describe('getAssertion (CTAP2 semantics)', () => {
  it('ignores allowList entries for another RP', async () => {
    const authenticator = createAuthenticator({ seed: 'rp' });
    const made = await authenticator.makeCredential({ rpId: 'other.example', clientDataHash, user, pubKeyCredParams: es256 });
    await expect(authenticator.getAssertion({ rpId: rpID, clientDataHash, allowList: [made.credentialId] })).rejects.toSatisfy((e) => isHarnessError(e, 'NOT_ALLOWED'));
  });
});

describe('local authentication', () => {
  it('deny → NOT_ALLOWED', async () => {
    const authenticator = createAuthenticator({ localAuth: async () => 'deny' });
    await expect(authenticator.makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256 })).rejects.toSatisfy((e) => isHarnessError(e, 'NOT_ALLOWED'));
  });
  it('timeout → NOT_ALLOWED saying timeout', async () => {
    const authenticator = createAuthenticator({ localAuth: async () => 'timeout' });
    await expect(authenticator.makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256 })).rejects.toThrow(/timed out/);
  });
  it('uv-unavailable clears UV when preferred, and fails when required', async () => {
    const authenticator = createAuthenticator({ localAuth: async () => 'uv-unavailable' });
    const made = await authenticator.makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256, userVerification: 'preferred' });
    expect(made.authenticatorData[32]! & 0x05).toBe(0x01);
    await expect(authenticator.getAssertion({ rpId: rpID, clientDataHash, userVerification: 'required' })).rejects.toSatisfy((e) => isHarnessError(e, 'NOT_ALLOWED'));
  });
  it('approve sets UP and UV on a UV-capable profile', async () => {
    const made = await createAuthenticator().makeCredential({ rpId: rpID, clientDataHash, user, pubKeyCredParams: es256 });
    expect(made.authenticatorData[32]! & 0x1d).toBe(0x1d); // UP | UV | BE | BS
  });
});

describe('sign-counter policies', () => {
  it('increment: the YubiKey counter goes 1, 2', async () => {
    const { client, credential } = await enrolled({ profile: 'yubikey-5' });
    for (const expected of [1, 2]) {
      const { authOptions, response } = await login(client, credential);
      const result = await verifyLogin(authOptions, response, credential);
      expect(result.authenticationInfo.newCounter).toBe(expected);
      credential.counter = result.authenticationInfo.newCounter;
    }
  });
  it('regress: the RP detects the cloned-authenticator counter', async () => {
    const { client, credential } = await enrolled({ profile: { ...builtInProfiles['yubikey-5']!, id: 'cloned', counterPolicy: 'regress' } });
    expect(credential.counter).toBe(1000);
    const { authOptions, response } = await login(client, credential);
    await expect(verifyLogin(authOptions, response, credential)).rejects.toThrow(/counter/i);
  });
});

describe('faults', () => {
  const cases: [string, AuthenticatorFaults, RegExp][] = [
    ['a wrong rpIdHash', { wrongRpIdHash: true }, /RP ID/i],
    ['a corrupted signature', { corruptSignature: true }, /signature/i],
    ['UP cleared', { clearUp: true }, /user.*present/i],
    ['a regressed counter', { counterRegression: true }, /counter/i],
    ['a wrong origin in clientData', { wrongOrigin: 'https://evil.example' }, /origin/i],
    ['the wrong clientData type', { wrongType: true }, /type/i],
  ];
  for (const [name, faults, message] of cases) {
    it(`the RP rejects an assertion with ${name}`, async () => {
      const { authenticator, client, credential } = await enrolled({ profile: 'yubikey-5' });
      const first = await login(client, credential);
      credential.counter = (await verifyLogin(first.authOptions, first.response, credential)).authenticationInfo.newCounter;
      authenticator.faults = faults;
      const { authOptions, response } = await login(client, credential);
      await expectRejected(verifyLogin(authOptions, response, credential), message);
    });
  }
  it('UV cleared fails an RP that requires UV', async () => {
    const { authenticator, client, credential } = await enrolled();
    authenticator.faults = { clearUv: true };
    const authOptions = await generateAuthenticationOptions({ rpID, userVerification: 'required' });
    const response = await client.get(authOptions);
    await expect(
      verifyAuthenticationResponse({ response, expectedChallenge: authOptions.challenge, expectedOrigin: origin, expectedRPID: rpID, credential, requireUserVerification: true }),
    ).rejects.toThrow(/verif/i);
  });
  it('malformed CBOR in the attestationObject is rejected at registration', async () => {
    const authenticator = createAuthenticator({ faults: { malformedCbor: true } });
    const client = createClient({ authenticator, origin });
    const regOptions = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro' });
    const response = await client.create(regOptions);
    await expect(verifyRegistrationResponse({ response, expectedChallenge: regOptions.challenge, expectedOrigin: origin, expectedRPID: rpID })).rejects.toThrow();
  });
  it('a corrupted packed-self attestation signature is rejected at registration', async () => {
    const authenticator = createAuthenticator({ profile: 'windows-hello', faults: { corruptSignature: true } });
    const client = createClient({ authenticator, origin });
    const regOptions = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro', attestationType: 'direct', supportedAlgorithmIDs: [-7] });
    const response = await client.create(regOptions);
    await expectRejected(verifyRegistrationResponse({ response, expectedChallenge: regOptions.challenge, expectedOrigin: origin, expectedRPID: rpID }), /signature/i);
  });
});

describe('profiles', () => {
  it('carries the published AAGUIDs', () => {
    expect(resolveProfile('iphone-icloud').aaguid).toBe('fbfc3007-154e-4ecc-8c0b-6e020557d7bd');
    expect(resolveProfile('android-gpm').aaguid).toBe('ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4');
    expect(resolveProfile('yubikey-5').aaguid).toBe('cb69481e-8ff7-4039-93ec-0a2729a154a8');
    expect(resolveProfile('windows-hello').aaguid).toBe('08987058-cadc-4b81-b6e1-30de50dcbe96');
  });
  it('rejects an unknown profile id with PROFILE_UNKNOWN', () => {
    expect(() => resolveProfile('nokia-3310')).toThrow(expect.objectContaining({ code: 'PROFILE_UNKNOWN' }));
  });
  it('rejects a custom profile with BS but not BE', () => {
    expect(() => resolveProfile({ ...builtInProfiles['yubikey-5']!, backupState: true })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('crypto backends interoperate', () => {
  for (const alg of [COSEAlg.ES256, COSEAlg.EdDSA]) {
    it(`alg ${alg}: keys and signatures from one verify in the other`, () => {
      const seed = new Uint8Array(48).fill(3);
      const data = new TextEncoder().encode('authData ‖ clientDataHash');
      for (const [a, b] of [[nobleBackend, nodeBackend], [nodeBackend, nobleBackend]] as const) {
        const key = a.generateKeyPair(alg, seed);
        const signature = a.sign(a.importPrivateKey(alg, key.pkcs8), data);
        expect(b.verify(key.publicKey, data, signature)).toBe(true);
        expect(b.verify(key.publicKey, new Uint8Array(3), signature)).toBe(false);
        expect(b.sign(b.importPrivateKey(alg, key.pkcs8), data).length).toBeGreaterThan(0);
      }
    });
  }
});
