import { describe, expect, it } from 'vitest';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { createClient } from '../../../core/client/createClient.js';
import { isHarnessError } from '../../../core/errors.js';

const origin = 'https://bank.example.jp';
const rpID = 'bank.example.jp';

async function register(profile: string, extra: { attestationType?: 'none' | 'direct' } = {}) {
  const authenticator = createAuthenticator({ profile, seed: `client-${profile}` });
  const client = createClient({ authenticator, origin });
  const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro', attestationType: extra.attestationType ?? 'none' });
  const response = await client.create(options);
  const verification = await verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID });
  return { authenticator, client, options, response, verification };
}

describe('createClient', () => {
  for (const profile of ['iphone-icloud', 'android-gpm', 'yubikey-5', 'windows-hello']) {
    it(`registers and logs in with ${profile} as @simplewebauthn/server expects`, async () => {
      const { client, response, verification } = await register(profile);
      expect(verification.verified).toBe(true);
      expect(response.response.publicKey).toBeTypeOf('string');
      expect(response.clientExtensionResults.credProps).toEqual({ rk: true });
      const info = verification.registrationInfo!;
      const auth = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: info.credential.id }] });
      const assertion = await client.get(auth);
      const result = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: auth.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential: info.credential,
      });
      expect(result.verified).toBe(true);
    });
  }

  it('logs in with a discoverable credential and returns the user handle', async () => {
    const { client, options } = await register('iphone-icloud');
    const auth = await generateAuthenticationOptions({ rpID });
    const assertion = await client.get(auth);
    expect(assertion.response.userHandle).toBe(options.user.id);
  });

  it('rejects an RP ID that is not a registrable suffix of the origin (SecurityError)', async () => {
    const client = createClient({ authenticator: createAuthenticator(), origin });
    const options = await generateRegistrationOptions({ rpName: 'Evil', rpID: 'evil.example', userName: 'taro' });
    await expect(client.create(options)).rejects.toSatisfy((e) => isHarnessError(e, 'SECURITY_ERROR'));
  });

  it('rejects a public-suffix RP ID', async () => {
    const client = createClient({ authenticator: createAuthenticator(), origin: 'https://a.co.jp' });
    const options = await generateRegistrationOptions({ rpName: 'x', rpID: 'co.jp', userName: 'taro' });
    await expect(client.create(options)).rejects.toSatisfy((e) => isHarnessError(e, 'SECURITY_ERROR'));
  });

  it('rejects plain http except on localhost', () => {
    expect(() => createClient({ authenticator: createAuthenticator(), origin: 'http://bank.example.jp' })).toThrow(/secure context/);
    expect(() => createClient({ authenticator: createAuthenticator(), origin: 'http://localhost:3000' })).not.toThrow();
  });

  it('raises InvalidStateError when an excluded credential is present', async () => {
    const { client, verification } = await register('android-gpm');
    const options = await generateRegistrationOptions({
      rpName: 'Bank',
      rpID,
      userName: 'taro',
      excludeCredentials: [{ id: verification.registrationInfo!.credential.id }],
    });
    await expect(client.create(options)).rejects.toSatisfy((e) => isHarnessError(e, 'INVALID_STATE'));
  });

  it('raises NotAllowedError when the user denies', async () => {
    const client = createClient({ authenticator: createAuthenticator({ localAuth: async () => 'deny' }), origin });
    const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro' });
    await expect(client.create(options)).rejects.toSatisfy((e) => isHarnessError(e, 'NOT_ALLOWED'));
  });

  it('applies wrongOrigin and wrongType faults to clientDataJSON', async () => {
    const client = createClient({ authenticator: createAuthenticator(), origin, faults: { wrongOrigin: 'https://evil.example', wrongType: true } });
    const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro' });
    const response = await client.create(options);
    const data = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'));
    expect(data).toMatchObject({ type: 'webauthn.get', origin: 'https://evil.example' });
  });
});
