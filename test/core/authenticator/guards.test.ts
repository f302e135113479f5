// @peculiar/x509 (attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import { createAuthenticator, type CreateAuthenticatorOptions } from '../../../core/authenticator/createAuthenticator.js';
import { memoryCredentialStore } from '../../../core/authenticator/credentials.js';
import type { LocalAuthDecision, LocalAuthRequest } from '../../../core/authenticator/localAuth.js';
import { builtInProfiles, type DeviceProfile } from '../../../core/authenticator/profiles.js';
import { createClient } from '../../../core/client/createClient.js';
import { HarnessError } from '../../../core/errors.js';
import { decodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { toBase64url } from '../../../core/webauthn/base64url.js';

// Authenticator guards whose removal no other test noticed (mutation testing), each pinned to the rule it implements.
const rpId = 'bank.example.jp';
const clientDataHash = new Uint8Array(32).fill(7);
const taro = { id: Uint8Array.of(1, 2, 3), name: 'taro', displayName: 'Taro' };
const jiro = { id: Uint8Array.of(4, 5, 6), name: 'jiro', displayName: 'Jiro' };
const es256 = [{ alg: -7 }];

const custom = (base: string, patch: Partial<DeviceProfile>): DeviceProfile => ({ ...builtInProfiles[base]!, id: `${base}-custom`, ...patch });

function phone(options: CreateAuthenticatorOptions = {}, decisions: LocalAuthDecision[] = []) {
  const prompts: LocalAuthRequest[] = [];
  const credentials = options.credentials ?? memoryCredentialStore();
  const authenticator = createAuthenticator({ seed: 'guards', credentials, localAuth: async (r) => (prompts.push(r), decisions.shift() ?? 'approve'), ...options });
  return { authenticator, prompts, credentials };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof HarnessError ? error.code : `raw ${(error as Error)?.constructor?.name}`;
  }
}

const flagsOf = (authData: Uint8Array) => parseAuthenticatorData(authData).flags;
const ids = (list: { id: Uint8Array }[]) => list.map((c) => toBase64url(c.id)).sort();

describe('user verification (WebAuthn §6.3.2 step 5, CTAP2.1 §6.1.2)', () => {
  const noUv = custom('yubikey-5', { uv: false, uvMethod: 'touch only' });

  it('refuses UV required on an authenticator without UV, without prompting, and stores nothing', async () => {
    const { authenticator, prompts } = phone({ profile: noUv });
    expect(await codeOf(authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, userVerification: 'required' }))).toBe('NOT_ALLOWED');
    expect(prompts).toEqual([]);
    expect(authenticator.listCredentials()).toEqual([]);
  });

  it('never sets UV on an authenticator without UV, even when the user approves', async () => {
    const { authenticator } = phone({ profile: noUv });
    const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, userVerification: 'preferred' });
    expect(flagsOf(made.authenticatorData)).toMatchObject({ up: true, uv: false });
    const asserted = await authenticator.getAssertion({ rpId, clientDataHash, allowList: [made.credentialId], userVerification: 'preferred' });
    expect(flagsOf(asserted.authenticatorData)).toMatchObject({ up: true, uv: false });
  });

  it('leaves UV clear when the RP discourages it, though the phone could verify', async () => {
    const { authenticator } = phone({ profile: 'iphone-icloud' });
    const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, userVerification: 'discouraged' });
    expect(flagsOf(made.authenticatorData)).toMatchObject({ up: true, uv: false });
  });

  it('keeps UV clear when UV is unavailable at the prompt and the RP only prefers it (assertion too)', async () => {
    const { authenticator } = phone({ profile: 'iphone-icloud' }, ['approve', 'uv-unavailable']);
    const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
    const asserted = await authenticator.getAssertion({ rpId, clientDataHash, allowList: [made.credentialId], userVerification: 'preferred' });
    expect(flagsOf(asserted.authenticatorData)).toMatchObject({ up: true, uv: false });
  });
});

describe('makeCredential inputs and algorithm choice (CTAP2 §6.1.2)', () => {
  it('refuses a clientDataHash that is not 32 bytes (makeCredential and getAssertion)', async () => {
    const { authenticator, prompts } = phone();
    const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
    expect(await codeOf(authenticator.makeCredential({ rpId, clientDataHash: new Uint8Array(31), user: jiro, pubKeyCredParams: es256 }))).toBe('INVALID_INPUT');
    expect(await codeOf(authenticator.getAssertion({ rpId, clientDataHash: new Uint8Array(33), allowList: [made.credentialId] }))).toBe('INVALID_INPUT');
    expect(prompts).toHaveLength(1);
  });

  it('refuses a user.id of 0 or 65 bytes when called directly (no client in front)', async () => {
    const { authenticator } = phone();
    for (const id of [new Uint8Array(0), new Uint8Array(65)]) {
      expect(await codeOf(authenticator.makeCredential({ rpId, clientDataHash, user: { ...taro, id }, pubKeyCredParams: es256 }))).toBe('INVALID_INPUT');
    }
    expect(authenticator.listCredentials()).toEqual([]);
  });

  // WebAuthn §6.3.2 step 2: the first of the RP's pubKeyCredParams the authenticator supports, in the RP's order.
  it('picks the first algorithm in the RP’s order, not the authenticator’s', async () => {
    const { authenticator } = phone({ profile: 'yubikey-5' });
    const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: [{ alg: -257 }, { alg: -8 }, { alg: -7 }] });
    expect(made.publicKeyAlgorithm).toBe(-257);
  });

  // WebAuthn §8.6: FIDO U2F attestation can only carry a P-256 key, whatever else the profile lists.
  it('a fido-u2f authenticator makes ES256 keys even when the RP prefers RS256 and the profile lists it', async () => {
    const { authenticator } = phone({ profile: custom('yubikey-5', { attestation: 'fido-u2f', algorithms: [-257, -7] }) });
    const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: [{ alg: -257 }, { alg: -7 }], attestation: 'direct' });
    expect(made.publicKeyAlgorithm).toBe(-7);
    expect(made.fmt).toBe('fido-u2f');
    expect(parseAuthenticatorData(made.authenticatorData).attestedCredentialData!.aaguid).toEqual(new Uint8Array(16));
  });
});

describe('excludeList, resident keys and discoverable credential replacement', () => {
  // §6.3.2 step 3: only a credential bound to this RP ID counts as excluded.
  it('ignores an excluded id that belongs to another RP', async () => {
    const { authenticator, prompts } = phone();
    const other = await authenticator.makeCredential({ rpId: 'other.example', clientDataHash, user: taro, pubKeyCredParams: es256 });
    const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, excludeList: [other.credentialId] });
    expect(made.credentialId).not.toEqual(other.credentialId);
    expect(prompts).toHaveLength(2);
  });

  // §6.3.2 step 4 (the harness answers NotSupportedError; see the report's note on ConstraintError).
  it('refuses residentKey required on an authenticator that cannot store discoverable credentials, before any prompt', async () => {
    const { authenticator, prompts } = phone({ profile: custom('yubikey-5', { residentKey: false }) });
    expect(await codeOf(authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, residentKey: 'required' }))).toBe('NOT_SUPPORTED');
    expect(prompts).toEqual([]);
    const preferred = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, residentKey: 'preferred' });
    expect(preferred.discoverable).toBe(false);
  });

  it('a platform phone makes a discoverable credential even when the RP discourages one (synced passkeys always are)', async () => {
    const { authenticator } = phone({ profile: 'iphone-icloud' });
    const made = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, residentKey: 'discouraged' });
    expect(made.discoverable).toBe(true);
    expect((await authenticator.getAssertion({ rpId, clientDataHash })).userHandle).toEqual(taro.id);
  });

  // CTAP2 §6.1.2 step 15: only a discoverable credential for the same RP ID and the same user handle is replaced.
  it('replaces only the same user’s discoverable credential for the same RP', async () => {
    const { authenticator } = phone({ profile: 'yubikey-5' });
    const make = (rp: string, user: typeof taro, residentKey: 'required' | 'discouraged') => authenticator.makeCredential({ rpId: rp, clientDataHash, user, pubKeyCredParams: es256, residentKey });
    const serverSide = await make(rpId, taro, 'discouraged');
    const jiroKey = await make(rpId, jiro, 'required');
    const elsewhere = await make('other.example', taro, 'required');
    const first = await make(rpId, taro, 'required');
    // A new non-discoverable credential replaces nothing.
    const second = await make(rpId, taro, 'discouraged');
    const kept = ids([serverSide, jiroKey, elsewhere, first, second].map((r) => ({ id: r.credentialId })));
    expect(ids(authenticator.listCredentials())).toEqual(kept);
    // A new discoverable one replaces `first` only.
    const third = await make(rpId, taro, 'required');
    expect(ids(authenticator.listCredentials())).toEqual(ids([serverSide, jiroKey, elsewhere, second, third].map((r) => ({ id: r.credentialId }))));
  });
});

describe('flags, counters and attestation per profile', () => {
  it('BE and BS come from the profile; flipBackupState flips BS only, at registration and at assertion', async () => {
    const key = phone({ profile: 'yubikey-5' });
    const made = await key.authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
    expect(flagsOf(made.authenticatorData)).toMatchObject({ be: false, bs: false });
    const asserted = await key.authenticator.getAssertion({ rpId, clientDataHash, allowList: [made.credentialId] });
    expect(flagsOf(asserted.authenticatorData)).toMatchObject({ be: false, bs: false });
    const synced = phone({ profile: 'iphone-icloud', faults: { flipBackupState: true } });
    const flipped = await synced.authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
    expect(flagsOf(flipped.authenticatorData)).toMatchObject({ be: true, bs: false });
    expect(flagsOf((await synced.authenticator.getAssertion({ rpId, clientDataHash })).authenticatorData)).toMatchObject({ be: true, bs: false });
  });

  it('clearUp clears UP on an assertion', async () => {
    const { authenticator } = phone();
    await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
    authenticator.faults = { clearUp: true };
    expect(flagsOf((await authenticator.getAssertion({ rpId, clientDataHash })).authenticatorData)).toMatchObject({ up: false, uv: true });
  });

  // The counter saturates at 2^32 − 1 rather than wrapping (why: getAssertion.ts; pinned against a verifier in signCounter.test.ts).
  it('counter policies: zero stays 0; regress starts at 1000, goes down and stops at 0; increment stops at 2^32 − 1', async () => {
    const synced = phone({ profile: 'iphone-icloud' });
    await synced.authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
    for (let i = 0; i < 2; i++) expect((await synced.authenticator.getAssertion({ rpId, clientDataHash })).signCount).toBe(0);

    const clone = phone({ profile: custom('yubikey-5', { counterPolicy: 'regress' }) });
    const made = await clone.authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
    expect(parseAuthenticatorData(made.authenticatorData).signCount).toBe(1000);
    expect((await clone.authenticator.getAssertion({ rpId, clientDataHash, allowList: [made.credentialId] })).signCount).toBe(999);
    clone.credentials.updateUsage(made.credentialId, { signCount: 0, lastUsedAt: 0 });
    const floor = await clone.authenticator.getAssertion({ rpId, clientDataHash, allowList: [made.credentialId] });
    expect([floor.signCount, parseAuthenticatorData(floor.authenticatorData).signCount]).toEqual([0, 0]);

    const key = phone({ profile: 'yubikey-5' });
    const keyCred = await key.authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256 });
    key.credentials.updateUsage(keyCred.credentialId, { signCount: 0xffffffff, lastUsedAt: 0 });
    const saturated = await key.authenticator.getAssertion({ rpId, clientDataHash, allowList: [keyCred.credentialId] });
    expect([saturated.signCount, parseAuthenticatorData(saturated.authenticatorData).signCount]).toEqual([0xffffffff, 0xffffffff]);
  });

  // §5.4.7: the profile's statement is conveyed for indirect, direct and enterprise; anything else is "none".
  it('conveys the profile’s attestation for indirect, not for none or an unknown preference', async () => {
    const { authenticator } = phone({ profile: 'windows-hello' });
    const fmtFor = async (attestation: string | undefined, user: typeof taro) =>
      (await authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams: es256, ...(attestation ? { attestation } : {}) })).fmt;
    expect(await fmtFor('indirect', taro)).toBe('packed');
    expect(await fmtFor('none', jiro)).toBe('none');
    expect(await fmtFor('bogus', { ...jiro, id: Uint8Array.of(8) })).toBe('none');
    expect(await fmtFor(undefined, { ...jiro, id: Uint8Array.of(9) })).toBe('none');
  });
});

describe('getAssertion: which credential answers (CTAP2 §6.2.2)', () => {
  it('without an allowList only discoverable credentials answer, newest first, or the one the user picks', async () => {
    const clock = { now: () => t };
    let t = 1_000;
    const { authenticator } = phone({ profile: 'yubikey-5', clock });
    const serverSide = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, residentKey: 'discouraged' });
    expect(await codeOf(authenticator.getAssertion({ rpId, clientDataHash }))).toBe('NOT_ALLOWED');
    t = 2_000;
    const older = await authenticator.makeCredential({ rpId, clientDataHash, user: taro, pubKeyCredParams: es256, residentKey: 'required' });
    t = 3_000;
    const newer = await authenticator.makeCredential({ rpId, clientDataHash, user: jiro, pubKeyCredParams: es256, residentKey: 'required' });
    expect((await authenticator.getAssertion({ rpId, clientDataHash })).credentialId).toEqual(newer.credentialId);
    expect((await authenticator.getAssertion({ rpId, clientDataHash, credentialId: older.credentialId })).credentialId).toEqual(older.credentialId);
    // A non-discoverable credential named in the allowList answers, without a user handle (it stores none for the RP).
    const named = await authenticator.getAssertion({ rpId, clientDataHash, allowList: [serverSide.credentialId] });
    expect(named.credentialId).toEqual(serverSide.credentialId);
    expect(named.userHandle).toBeNull();
  });
});

describe('fault injection: corruptSignature breaks exactly the attestation signature', () => {
  const origin = `https://${rpId}`;
  async function register(profile: DeviceProfile | string, corrupt: boolean) {
    const authenticator = createAuthenticator({ profile, seed: 'guards-attest', faults: corrupt ? { corruptSignature: true } : {} });
    const options = await generateRegistrationOptions({ rpName: 'Bank', rpID: rpId, userName: 'taro', attestationType: 'direct' });
    const response = await createClient({ authenticator, origin }).create(options);
    try {
      return (await verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpId })).verified;
    } catch (error) {
      return String(error);
    }
  }
  for (const [name, profile] of [
    ['packed x5c', 'yubikey-5'],
    ['fido-u2f', custom('yubikey-5', { attestation: 'fido-u2f', algorithms: [-7] })],
  ] as const) {
    it(`${name}: verifies without the fault, fails with it`, async () => {
      expect(await register(profile, false)).toBe(true);
      expect(await register(profile, true)).not.toBe(true);
    });
  }
});
