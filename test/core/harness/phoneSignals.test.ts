// @peculiar/x509 (attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';
import { HarnessError } from '../../../core/errors.js';

/** The harness side of the Signal API round trip and the console's per-phone credential actions. */
let harness: Harness;
const origin = 'http://localhost:8787';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'NO_ERROR';
  } catch (error) {
    return error instanceof HarnessError ? error.code : String(error);
  }
}

beforeEach(async () => {
  harness = await createHarness({ seed: 'phone-signals', clock: new ManualClock() });
  await harness['users.create']({ username: 'hanako', emails: ['hanako@example.jp'] });
  await harness['phones.create']({ name: 'iphone', profile: 'iphone-icloud' });
  await harness.enroll({ username: 'hanako', phone: 'iphone' });
});
afterEach(() => harness.close());

describe('phones.signal (WebAuthn Signal API reaching a phone)', () => {
  it('signalUnknownCredential removes the credential, lists it as removed by RP signal, and audits the phone', async () => {
    const [held] = await harness['phones.credentials']({ name: 'iphone' });
    const result = await harness['phones.signal']({ signal: 'unknownCredential', phone: 'iphone', origin, rpId: 'localhost', credentialId: held!.credentialId });
    expect(result.removed).toEqual([held!.credentialId]);
    const listed = await harness['phones.credentials']({ name: 'iphone' });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ credentialId: held!.credentialId, removedBySignal: { signal: 'unknownCredential', origin } });
    expect((await harness['phones.list']({}))[0]!.credentialCount).toBe(0);
    const audit = await harness['admin.auditSearch']({ action: 'phone.signal' });
    expect(audit.entries[0]).toMatchObject({ actor: 'phone:iphone', action: 'phone.signal.unknownCredential', targetLogin: 'hanako' });
    // The phone no longer offers it: a passkey login finds nothing to sign with.
    expect(await codeOf(harness.login({ username: 'hanako', phone: 'iphone' }))).not.toBe('NO_ERROR');
  });

  it('signalAllAcceptedCredentials removes only this user’s credentials the RP no longer accepts', async () => {
    const [held] = await harness['phones.credentials']({ name: 'iphone' });
    const base = { signal: 'allAcceptedCredentials' as const, phone: 'iphone', origin, rpId: 'localhost', userId: held!.userHandle };
    expect((await harness['phones.signal']({ ...base, allAcceptedCredentialIds: [held!.credentialId] })).removed).toEqual([]);
    expect((await harness['phones.signal']({ ...base, userId: 'b3RoZXI', allAcceptedCredentialIds: [] })).removed).toEqual([]);
    expect((await harness['phones.signal']({ ...base, allAcceptedCredentialIds: [] })).removed).toEqual([held!.credentialId]);
    // Only the change is audited, not the no-op signals.
    expect((await harness['admin.auditSearch']({ action: 'phone.signal' })).total).toBe(1);
  });

  it('signalCurrentUserDetails renames; a foreign RP ID is refused (SECURITY_ERROR)', async () => {
    const [held] = await harness['phones.credentials']({ name: 'iphone' });
    await harness['phones.signal']({ signal: 'currentUserDetails', phone: 'iphone', origin, rpId: 'localhost', userId: held!.userHandle, name: 'hanako2', displayName: '山田 花子' });
    expect((await harness['phones.credentials']({ name: 'iphone' }))[0]).toMatchObject({ userName: 'hanako2', userDisplayName: '山田 花子' });
    expect(await codeOf(harness['phones.signal']({ signal: 'unknownCredential', phone: 'iphone', origin, rpId: 'example.com', credentialId: held!.credentialId }))).toBe('SECURITY_ERROR');
    expect(await harness['phones.credentials']({ name: 'iphone' })).toHaveLength(1);
  });
});

describe('phones.removeCredential / phones.exportCredential', () => {
  it('exports exactly one credential and removes it', async () => {
    const [held] = await harness['phones.credentials']({ name: 'iphone' });
    const data = await harness['phones.exportCredential']({ name: 'iphone', credentialId: held!.credentialId });
    expect((data.credentials as { credentialId: string }[]).map((c) => c.credentialId)).toEqual([held!.credentialId]);
    await harness['phones.removeCredential']({ name: 'iphone', credentialId: held!.credentialId });
    expect(await harness['phones.credentials']({ name: 'iphone' })).toEqual([]);
    expect(await codeOf(harness['phones.removeCredential']({ name: 'iphone', credentialId: held!.credentialId }))).toBe('CREDENTIAL_UNKNOWN');
  });
});

describe('users.account / users.endSessions', () => {
  it('shows the lock reason, sessions and passkeys with who revoked them, and the audit with login IDs', async () => {
    const [pk] = await harness['admin.passkeys']({ username: 'hanako' });
    await harness['admin.revoke']({ credentialId: pk!.credentialId, reason: 'lost phone', ticket: 'SUP-1' });
    await harness['users.lock']({ username: 'hanako', reason: 'suspected takeover', ticket: 'SUP-2' });
    const view = await harness['users.account']({ username: 'hanako' });
    expect(view).toMatchObject({ status: 'locked', lock: { reason: 'suspected takeover', ticket: 'SUP-2', by: 'admin:harness-operator' } });
    expect(view.passkeys[0]).toMatchObject({ revokeReason: 'lost phone', revokeTicket: 'SUP-1', revokedBy: 'admin:harness-operator' });
    expect(view.audit.length).toBeGreaterThan(0);
    expect(view.audit.every((e) => e.targetLogin === 'hanako')).toBe(true);
    await harness['users.unlock']({ username: 'hanako', reason: 'verified' });
    expect((await harness['users.account']({ username: 'hanako' })).lock).toBeNull();
    expect(await harness['users.endSessions']({ username: 'hanako', reason: 'sign out everywhere' })).toEqual({ username: 'hanako', sessionsEnded: expect.any(Number) });
  });
});
