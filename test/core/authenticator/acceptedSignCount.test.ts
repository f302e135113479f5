import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { memoryCredentialStore, type CredentialStore } from '../../../core/authenticator/credentials.js';
import { openVault } from '../../../core/authenticator/vault.js';
import { sha256 } from '../../../core/webauthn/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const hash = (text: string) => sha256(new TextEncoder().encode(text));

/** A YubiKey-like (increment) credential, then `logins` assertions; returns the credential id. */
async function credentialWithLogins(credentials: CredentialStore, logins: number) {
  const key = createAuthenticator({ profile: 'yubikey-5', seed: 'counter', credentials });
  const made = await key.makeCredential({ rpId: 'rp.example', clientDataHash: hash('c'), user: { id: Uint8Array.of(1), name: 'u', displayName: 'U' }, pubKeyCredParams: [{ alg: -7 }], residentKey: 'required' });
  for (let i = 0; i < logins; i++) await key.getAssertion({ rpId: 'rp.example', clientDataHash: hash(`g${i}`) });
  return { key, id: made.credentialId };
}

describe('counterRegression counts from what the RP accepted (WebAuthn §7.2 step 21)', () => {
  it('goes one below the accepted count, however far the phone counted since', async () => {
    const credentials = memoryCredentialStore();
    const { key, id } = await credentialWithLogins(credentials, 1);
    credentials.markAccepted(id, 1);
    // Two more assertions the RP refused: the phone counts 3, the RP still holds 1.
    await key.getAssertion({ rpId: 'rp.example', clientDataHash: hash('refused-1') });
    await key.getAssertion({ rpId: 'rp.example', clientDataHash: hash('refused-2') });
    expect(credentials.get(id)!.signCount).toBe(3);
    key.faults = { counterRegression: true };
    expect((await key.getAssertion({ rpId: 'rp.example', clientDataHash: hash('regressed') })).signCount).toBe(0);
    expect(credentials.get(id)!.acceptedSignCount).toBe(1);
  });

  it('without an accepted count it falls back to the phone’s own count − 1', async () => {
    const credentials = memoryCredentialStore();
    const { key } = await credentialWithLogins(credentials, 3);
    key.faults = { counterRegression: true };
    expect((await key.getAssertion({ rpId: 'rp.example', clientDataHash: hash('regressed') })).signCount).toBe(2);
  });

  it('the vault keeps the accepted count across reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accepted-'));
    dirs.push(dir);
    const path = join(dir, 'phones.sqlite');
    const vault = openVault({ path, passphrase: 'pw', scryptCost: 1024 });
    vault.createPhone({ name: 'key', profile: 'yubikey-5' });
    const { id } = await credentialWithLogins(vault.credentials('key'), 2);
    vault.credentials('key').markAccepted(id, 2);
    vault.close();
    const again = openVault({ path, passphrase: 'pw', scryptCost: 1024 });
    expect(again.credentials('key').get(id)).toMatchObject({ signCount: 2, acceptedSignCount: 2 });
    again.close();
  });
});
