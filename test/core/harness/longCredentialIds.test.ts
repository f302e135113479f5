// @peculiar/x509 (attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';
import { deletePasskeyBody } from '../../../core/http/schemas.js';
import { MAX_CREDENTIAL_ID_CHARS } from '../../../core/webauthn/credentialIdLimits.js';

/**
 * WebAuthn allows credential IDs of up to 1023 bytes (1364 base64url characters). Support must reach
 * such a passkey like any other: inspect it, read its history, revoke it; the customer must be able to
 * delete it. The channels and the HTTP body used to stop at 1024 characters.
 */
let h: Harness;

beforeEach(async () => {
  h = await createHarness({ seed: 'long-credential-ids', clock: new ManualClock(), actor: { name: 'cli:alice', role: 'operator' } });
  await h['users.create']({ username: 'hanako', emails: ['hanako@example.jp'] });
  const profile = { id: 'long-ids', label: 'Long IDs', aaguid: '0f0e0d0c-0b0a-4908-8706-050403020100', credentialIdLength: 1023 };
  await h['phones.create']({ name: 'long', profile });
});
afterEach(() => h.close());

describe('a passkey with a 1023-byte credential ID', () => {
  it('is inspected, searched in the audit log and revoked through the harness channels', async () => {
    const { passkey } = await h.enroll({ username: 'hanako', phone: 'long' });
    expect(passkey.credentialId).toHaveLength(MAX_CREDENTIAL_ID_CHARS);
    expect(await h['admin.inspect']({ credentialId: passkey.credentialId })).toMatchObject({ credentialId: passkey.credentialId });
    const history = await h['admin.auditSearch']({ credentialId: passkey.credentialId });
    expect(history.entries.map((e) => e.action)).toContain('registration.finish');
    await h['admin.revoke']({ credentialId: passkey.credentialId, reason: 'lost phone', ticket: 'SUP-1' });
    expect(await h['admin.inspect']({ credentialId: passkey.credentialId })).toMatchObject({ revokeReason: 'lost phone', revokeTicket: 'SUP-1' });
  });

  it("fits the customer's delete body, and one character more does not", () => {
    expect(deletePasskeyBody.safeParse({ credentialId: 'A'.repeat(MAX_CREDENTIAL_ID_CHARS) }).success).toBe(true);
    expect(deletePasskeyBody.safeParse({ credentialId: 'A'.repeat(MAX_CREDENTIAL_ID_CHARS + 1) }).success).toBe(false);
  });
});
