import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInProfiles, createPhone, HarnessError, openPhone } from '../../core/phone/index.js';

/**
 * The browser-free entry (`passkey-harness/authenticator`) as an RP developer uses it: options
 * from @simplewebauthn/server in, responses it verifies out — the example in docs/PLAYWRIGHT.md.
 */
const origin = 'https://bank.example';
const rpID = 'bank.example';

async function register(phone: ReturnType<typeof createPhone>, userName = 'alice') {
  // One user handle per user name, as an RP keeps it.
  const userID = new TextEncoder().encode(`user:${userName}`);
  const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName, userID, attestationType: 'direct', authenticatorSelection: { residentKey: 'required' } });
  const response = await phone.create(options, { origin });
  const verified = await verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID });
  return { options, response, verified };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('createPhone (passkey-harness/authenticator)', () => {
  it.each(Object.keys(builtInProfiles))('%s: registration and login verify with @simplewebauthn/server', async (profile) => {
    const phone = createPhone({ profile, seed: `unit:${profile}` });
    const { verified } = await register(phone);
    expect(verified.verified).toBe(true);
    const info = verified.registrationInfo!;
    expect(info.aaguid).toBe(builtInProfiles[profile]!.aaguid);
    expect(info.credentialBackedUp).toBe(builtInProfiles[profile]!.backupState);

    const authOptions = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: info.credential.id }] });
    const assertion = await phone.get(authOptions, { origin });
    const auth = await verifyAuthenticationResponse({ response: assertion, expectedChallenge: authOptions.challenge, expectedOrigin: origin, expectedRPID: rpID, credential: info.credential });
    expect(auth.verified).toBe(true);
    expect(phone.credentials()).toEqual([expect.objectContaining({ credentialId: info.credential.id, rpId: rpID, userName: 'alice', discoverable: true })]);
  });

  it('is reproducible from a seed: same seed, same credential id and public key', async () => {
    const a = await register(createPhone({ profile: 'android-gpm', seed: 'same' }));
    const b = await register(createPhone({ profile: 'android-gpm', seed: 'same' }));
    const c = await register(createPhone({ profile: 'android-gpm', seed: 'other' }));
    expect(b.response.id).toBe(a.response.id);
    expect(b.response.response.publicKey).toBe(a.response.response.publicKey);
    expect(c.response.id).not.toBe(a.response.id);
  });

  it('prompt decisions: queued denial, then the prompt callback, per-call decision wins; each prompt is recorded', async () => {
    const seen: string[] = [];
    const phone = createPhone({ profile: 'iphone-icloud', prompt: (req) => (seen.push(req.ceremony), 'approve') });
    const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'bob' });
    phone.nextPrompt('deny', 'timeout');
    await expect(phone.create(options, { origin })).rejects.toMatchObject({ code: 'NOT_ALLOWED', details: { reason: 'deny' } });
    await expect(phone.create(options, { origin })).rejects.toMatchObject({ code: 'NOT_ALLOWED', details: { reason: 'timeout' } });
    expect(seen).toEqual([]);
    await expect(phone.create(options, { origin, decision: 'deny' })).rejects.toBeInstanceOf(HarnessError);
    const ok = await phone.create(options, { origin });
    expect(seen).toEqual(['create']);
    expect(phone.prompts.map((p) => p.decision)).toEqual(['deny', 'timeout', 'deny', 'approve']);
    expect(phone.prompts[0]).toMatchObject({ ceremony: 'create', rpId: rpID, userName: 'bob' });
    const verified = await verifyRegistrationResponse({ response: ok, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID });
    expect(verified.registrationInfo?.userVerified).toBe(true);
  });

  it('uv-unavailable approves with UP only; the RP that requires UV refuses it', async () => {
    const phone = createPhone({ profile: 'windows-hello' });
    const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'carol', authenticatorSelection: { userVerification: 'preferred' } });
    const response = await phone.create(options, { origin, decision: 'uv-unavailable' });
    await expect(verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true })).rejects.toThrow(/user could not be verified/i);
  });

  it('faults: an armed corruptSignature fails the RP\'s signature check until disarmed; wrongOrigin claims another origin', async () => {
    const phone = createPhone({ profile: 'yubikey-5', seed: 'faults' });
    const { verified } = await register(phone);
    const credential = verified.registrationInfo!.credential;
    const login = async () => {
      const o = await generateAuthenticationOptions({ rpID, allowCredentials: [{ id: credential.id }] });
      const r = await phone.get(o, { origin });
      return verifyAuthenticationResponse({ response: r, expectedChallenge: o.challenge, expectedOrigin: origin, expectedRPID: rpID, credential });
    };
    phone.faults.arm('corruptSignature');
    expect(phone.faults.armed()).toEqual({ corruptSignature: true });
    await expect(login()).resolves.toMatchObject({ verified: false });
    await expect(login()).resolves.toMatchObject({ verified: false });
    phone.faults.disarm('corruptSignature');
    await expect(login()).resolves.toMatchObject({ verified: true });
    phone.faults.arm('wrongOrigin');
    await expect(login()).rejects.toThrow(/origin/i);
    phone.faults.clear();
    await expect(login()).resolves.toMatchObject({ verified: true });
  });

  it('refuses an origin the RP ID does not belong to, as a browser would', async () => {
    const phone = createPhone();
    const options = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'dave' });
    await expect(phone.create(options, { origin: 'https://evil.example' })).rejects.toMatchObject({ code: 'SECURITY_ERROR' });
    await expect(phone.create(options, {} as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('openPhone: a named vault phone keeps its credentials across opens and refuses a different profile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pkh-phone-'));
    dirs.push(dir);
    const vault = { path: join(dir, 'phones.sqlite'), passphrase: 'pw', scryptCost: 1024 };
    const first = openPhone({ vault, name: 'qa-phone', profile: 'android-gpm' });
    const { response } = await register(first);
    first.close();
    const again = openPhone({ vault, name: 'qa-phone' });
    expect(again.profile.id).toBe('android-gpm');
    expect(again.credentials().map((c) => c.credentialId)).toEqual([response.id]);
    again.close();
    expect(() => openPhone({ vault, name: 'qa-phone', profile: 'yubikey-5' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => openPhone({ vault, name: 'missing', create: false })).toThrow(expect.objectContaining({ code: 'PHONE_NOT_FOUND' }));
  });

  it('signals (WebAuthn Signal API): unknown credential and accepted list drop credentials, user details rename, only for that RP and user', async () => {
    const phone = createPhone({ profile: 'android-gpm' });
    const alice = (await register(phone, 'alice')).response.id;
    const bob = (await register(phone, 'bob')).response.id;
    const carol = (await register(phone, 'carol')).response.id;
    const userId = (name: string) => phone.credentials().find((c) => c.userName === name)!.userHandle!;

    expect(() => phone.signal({ signal: 'unknownCredential', rpId: 'other.example', credentialId: bob }, { origin })).toThrow(expect.objectContaining({ code: 'SECURITY_ERROR' }));
    // Alice's accepted list no longer has her passkey (support revoked it): only hers goes.
    expect(phone.signal({ signal: 'allAcceptedCredentials', rpId: rpID, userId: userId('alice'), allAcceptedCredentialIds: [bob] }, { origin })).toMatchObject({ removed: [alice], updated: [] });
    expect(phone.signal({ signal: 'currentUserDetails', rpId: rpID, userId: userId('bob'), name: 'bob@new', displayName: 'Bob N.' }, { origin })).toMatchObject({ removed: [], updated: [bob] });
    expect(phone.signal({ signal: 'unknownCredential', rpId: rpID, credentialId: carol }, { origin })).toMatchObject({ removed: [carol] });
    expect(phone.credentials().map((c) => [c.credentialId, c.userName])).toEqual([[bob, 'bob@new']]);
    expect(phone.signals.map((s) => s.signal)).toEqual(['allAcceptedCredentials', 'currentUserDetails', 'unknownCredential']);
  });
});
