import { describe, expect, it } from 'vitest';
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse, type WebAuthnCredential } from '@simplewebauthn/server';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { memoryCredentialStore } from '../../../core/authenticator/credentials.js';
import { builtInProfiles, type DeviceProfile } from '../../../core/authenticator/profiles.js';
import { createClient } from '../../../core/client/createClient.js';
import { fromBase64url } from '../../../core/webauthn/base64url.js';
import { parseAuthenticatorData } from '../../../core/webauthn/authData.js';

// The signature counter (WebAuthn §6.1.1) as an independent verifier sees it: @simplewebauthn/server
// applies §7.2 step 21 the way our RP does (refused unless it increases, or both are 0).
const rpID = 'bank.example.jp';
const origin = `https://${rpID}`;
const MAX = 0xffffffff;

async function enrolled(profile: string | DeviceProfile) {
  const credentials = memoryCredentialStore();
  const authenticator = createAuthenticator({ profile, seed: 'sign-counter', credentials });
  const client = createClient({ authenticator, origin });
  const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro' });
  const registration = await verifyRegistrationResponse({ response: await client.create(options), expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID });
  const credential: WebAuthnCredential = registration.registrationInfo!.credential;
  const id = fromBase64url(credential.id);
  /** One login; the verifier's stored counter follows when it accepts, like an RP's would. */
  async function login(): Promise<{ signCount: number; verdict: 'accepted' | 'refused' }> {
    const request = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
    const response = await client.get(request);
    const signCount = parseAuthenticatorData(fromBase64url(response.response.authenticatorData)).signCount;
    try {
      const { authenticationInfo } = await verifyAuthenticationResponse({ response, expectedChallenge: request.challenge, expectedOrigin: origin, expectedRPID: rpID, credential });
      credential.counter = authenticationInfo.newCounter;
      credentials.markAccepted(id, authenticationInfo.newCounter);
      return { signCount, verdict: 'accepted' };
    } catch (error) {
      expect(String(error)).toMatch(/counter/i);
      return { signCount, verdict: 'refused' };
    }
  }
  return { authenticator, credentials, credential, id, login };
}

describe('sign counter, per credential (WebAuthn §6.1.1)', () => {
  it('counts each credential on its own, so two RPs cannot correlate one phone by its counter', async () => {
    const key = await enrolled('yubikey-5');
    expect(await key.login()).toEqual({ signCount: 1, verdict: 'accepted' });
    expect(await key.login()).toEqual({ signCount: 2, verdict: 'accepted' });
    const second = await key.authenticator.makeCredential({
      rpId: 'shop.example',
      clientDataHash: new Uint8Array(32),
      user: { id: Uint8Array.of(9), name: 'taro', displayName: 'Taro' },
      pubKeyCredParams: [{ alg: -7 }],
    });
    expect(parseAuthenticatorData(second.authenticatorData).signCount).toBe(0);
    expect((await key.authenticator.getAssertion({ rpId: 'shop.example', clientDataHash: new Uint8Array(32), allowList: [second.credentialId] })).signCount).toBe(1);
    expect(await key.login()).toEqual({ signCount: 3, verdict: 'accepted' });
  });

  it('a counting profile is accepted login after login; a synced one stays 0 and is accepted too', async () => {
    const key = await enrolled('yubikey-5');
    const synced = await enrolled('iphone-icloud');
    for (let i = 1; i <= 3; i++) {
      expect(await key.login()).toEqual({ signCount: i, verdict: 'accepted' });
      expect(await synced.login()).toEqual({ signCount: 0, verdict: 'accepted' });
    }
  });

  it('the regress profile (a broken clone) starts at 1000 and is refused from its first login', async () => {
    const clone = await enrolled({ ...builtInProfiles['yubikey-5']!, id: 'clone', counterPolicy: 'regress' });
    expect(clone.credential.counter).toBe(1000);
    expect(await clone.login()).toEqual({ signCount: 999, verdict: 'refused' });
  });
});

// The counter is a u32 (authData bytes 33–36). Decision: it saturates at 2^32 − 1 and never wraps.
// A wrap to 0 after a non-zero count is exactly what a rolled-back clone looks like (§7.2 step 21), and
// 0 also means "no counter" (§6.1.1); a stuck maximum is honest: the RP accepts the login that reaches
// it and refuses the repeats, and the fix is the same either way (register a new credential).
describe('sign counter at 2^32 − 1 (saturates, never wraps)', () => {
  it('reaches 2^32 − 1, then stays there: the verifier accepts the last step and refuses the repeat', async () => {
    const key = await enrolled('yubikey-5');
    key.credentials.updateUsage(key.id, { signCount: MAX - 2, lastUsedAt: 0 });
    key.credential.counter = MAX - 2;
    expect(await key.login()).toEqual({ signCount: MAX - 1, verdict: 'accepted' });
    expect(await key.login()).toEqual({ signCount: MAX, verdict: 'accepted' });
    expect(await key.login()).toEqual({ signCount: MAX, verdict: 'refused' });
    expect(await key.login()).toEqual({ signCount: MAX, verdict: 'refused' });
    expect(key.credentials.get(key.id)!.signCount).toBe(MAX);
  });

  it('never emits 0 after a non-zero count (that would read as a clone rolled back to the start)', async () => {
    const key = await enrolled('yubikey-5');
    key.credentials.updateUsage(key.id, { signCount: MAX, lastUsedAt: 0 });
    const asserted = await key.authenticator.getAssertion({ rpId: rpID, clientDataHash: new Uint8Array(32), allowList: [key.id] });
    expect([asserted.signCount, parseAuthenticatorData(asserted.authenticatorData).signCount]).toEqual([MAX, MAX]);
  });

  it('counterRegression still goes one below what the RP accepted at the maximum', async () => {
    const key = await enrolled('yubikey-5');
    key.credentials.updateUsage(key.id, { signCount: MAX - 1, lastUsedAt: 0 });
    key.credential.counter = MAX - 1;
    expect(await key.login()).toEqual({ signCount: MAX, verdict: 'accepted' });
    key.authenticator.faults = { counterRegression: true };
    expect(await key.login()).toEqual({ signCount: MAX - 1, verdict: 'refused' });
  });
});

describe('counterRegression at the floor', () => {
  // Math.max(…, 0): a u32 cannot go below 0, so a credential the RP accepted at 0 gets 0 again.
  it('stays at 0 rather than producing an invalid count, and a verifier that stored 0 accepts it (both zero)', async () => {
    const key = await enrolled('yubikey-5');
    key.authenticator.faults = { counterRegression: true };
    expect(await key.login()).toEqual({ signCount: 0, verdict: 'accepted' });
  });
});
