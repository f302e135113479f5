import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';
import { HarnessError } from '../../../core/errors.js';
import { FAULT_NAMES } from '../../../core/journey/index.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function fresh() {
  harness = await createHarness({ seed: 'knobs', clock: new ManualClock() });
  await harness['users.create']({ username: 'alice', emails: ['alice@example.test'] });
  return harness;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HarnessError) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('harness channels for every knob (issue 12)', () => {
  it('enroll asks for attestation and arms faults for that ceremony only', async () => {
    const h = await fresh();
    await h['phones.create']({ name: 'key', profile: 'yubikey-5' });
    // §7.1 step 19: the packed statement's signature no longer verifies.
    expect(await codeOf(h.enroll({ username: 'alice', phone: 'key', attestation: 'direct', faults: { corruptSignature: true } }))).toBe('SIGNATURE_INVALID');
    expect(await codeOf(h.enroll({ username: 'alice', phone: 'key', faults: { counterRegression: true } }))).toBe('INVALID_INPUT');
    // fmt none has no signature to corrupt: refused rather than silently ignored.
    expect(await codeOf(h.enroll({ username: 'alice', phone: 'key', attestation: 'none', faults: { corruptSignature: true } }))).toBe('INVALID_INPUT');
    const enrolled = await h.enroll({ username: 'alice', phone: 'key', attestation: 'direct' });
    expect((await h['admin.inspect']({ credentialId: enrolled.passkey.credentialId })).fmt).toBe('packed');
    expect(await codeOf(h.login({ username: 'alice', phone: 'key', faults: { wrongOrigin: true } }))).toBe('ORIGIN_MISMATCH');
    const clean = await h.login({ username: 'alice', phone: 'key' });
    expect(clean.signCount).toBe(2);
    expect(clean.userVerified).toBe(true);
    expect(await codeOf(h.login({ username: 'alice', phone: 'key', faults: { clearUp: true } }))).toBe('USER_PRESENCE_REQUIRED');
    // The phone counted 3 for the refused login; the server holds 2; the regression goes to 1.
    expect(await codeOf(h.login({ username: 'alice', phone: 'key', faults: { counterRegression: true } }))).toBe('COUNTER_REGRESSION');
    expect(await codeOf(h.login({ username: 'alice', phone: 'key', faults: { replayChallenge: true } }))).toMatch(/^CHALLENGE_/);
    expect(await codeOf(h.login({ username: 'alice', phone: 'key', faults: { teleport: true } as never }))).toBe('INVALID_INPUT');
  });

  it('a BS flip on a synced passkey is stored and audited as passkey.backup-state', async () => {
    const h = await fresh();
    await h['phones.create']({ name: 'iphone' });
    const { passkey } = await h.enroll({ username: 'alice', phone: 'iphone' });
    expect(passkey.backupState).toBe(true);
    await h.login({ username: 'alice', phone: 'iphone', faults: { flipBackupState: true } });
    expect((await h['admin.passkeys']({ username: 'alice' }))[0]!.backupState).toBe(false);
    const audit = await h['admin.audit']({ username: 'alice' });
    expect(audit.filter((e) => e.action === 'passkey.backup-state')).toHaveLength(1);
  });

  it('login reports whether the phone verified the user (UV flag), as the RP accepted it', async () => {
    const h = await fresh();
    await h['phones.create']({ name: 'iphone' });
    await h.enroll({ username: 'alice', phone: 'iphone' });
    expect((await h.login({ username: 'alice', phone: 'iphone' })).userVerified).toBe(true);
    // userVerification is "preferred": a login without UV is accepted, and must not be reported as verified.
    expect((await h.login({ username: 'alice', phone: 'iphone', faults: { clearUv: true } })).userVerified).toBe(false);
  });

  it('phones.create takes a custom profile object, checked against the published schema', async () => {
    const h = await fresh();
    const schema = await h['phones.profileSchema']({});
    expect((schema.properties as Record<string, unknown>).counterPolicy).toBeDefined();
    expect(await codeOf(h['phones.create']({ name: 'bad', profile: { id: 'bad', label: 'Bad', aaguid: 'nope' } }))).toBe('CONFIG_INVALID');
    expect(await codeOf(h['phones.create']({ name: 'bad', profile: { id: 'u2f', label: 'U2F', aaguid: '6d44ba9b-f6ec-2e49-b930-0c8fe920cb73', attestation: 'fido-u2f', algorithms: [-8] } }))).toBe('CONFIG_INVALID');
    const created = await h['phones.create']({ name: 'acme', profile: { id: 'acme', label: 'Acme Key', aaguid: '6d44ba9b-f6ec-2e49-b930-0c8fe920cb73', attestation: 'packed-self' } });
    expect(created).toMatchObject({ profile: 'acme', profileLabel: 'Acme Key' });
    const { passkey } = await h.enroll({ username: 'alice', phone: 'acme', attestation: 'direct' });
    expect(passkey.authenticatorName).toBe('Acme Key');
  });

  it('phones.profiles and phones.faults describe the built-ins and every fault', async () => {
    const h = await fresh();
    const profiles = await h['phones.profiles']({});
    expect(profiles.find((p) => p.id === 'windows-hello')).toMatchObject({ attestation: 'packed-self', algorithmNames: ['ES256', 'RS256'], uvMethod: expect.any(String) });
    expect((await h['phones.faults']({})).map((f) => f.name)).toEqual([...FAULT_NAMES]);
  });

  it('inspect.ceremony decodes a response with the harness RP ID and origin by default; viewers may call it', async () => {
    const h = await fresh();
    await h['phones.create']({ name: 'key', profile: 'yubikey-5' });
    const challenge = 'Y2hhbGxlbmdlLWZvci1pbnNwZWN0aW9u';
    const options = { challenge, rp: { id: 'localhost', name: 'x' }, user: { id: 'dXNlcg', name: 'u', displayName: 'U' }, pubKeyCredParams: [{ type: 'public-key', alg: -7 }], attestation: 'direct' };
    const info = await h['harness.info']({});
    const response = await h['phones.createCredential']({ phone: 'key', options, origin: info.origin });
    const viewer = h.as({ name: 'support-viewer', role: 'viewer' });
    const inspection = await viewer['inspect.ceremony']({ response, challenge });
    expect(inspection.kind).toBe('registration');
    expect(inspection.attestation?.fmt).toBe('packed');
    expect(inspection.steps.every((s) => s.status === 'pass')).toBe(true);
    const elsewhere = await h['inspect.ceremony']({ response, rpId: 'bank.example', origin: 'https://bank.example' });
    expect(elsewhere.steps.filter((s) => s.status === 'fail').map((s) => s.id)).toEqual(['origin', 'rpIdHash']);
  });
});
