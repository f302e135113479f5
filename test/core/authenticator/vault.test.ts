import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { openVault } from '../../../core/authenticator/vault.js';
import { createClient } from '../../../core/client/createClient.js';
import { isHarnessError } from '../../../core/errors.js';

const origin = 'https://bank.example.jp';
const rpID = 'bank.example.jp';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vault-'));
  dirs.push(dir);
  return join(dir, 'phones.sqlite');
}
const open = (path: string, passphrase = 'correct horse') => openVault({ path, passphrase, scryptCost: 1024 });

async function registerAndLogin(vault: ReturnType<typeof open>, phone: string) {
  const client = createClient({ authenticator: vault.authenticatorFor(phone), origin });
  const regOptions = await generateRegistrationOptions({ rpName: 'Bank', rpID, userName: 'taro' });
  const reg = await verifyRegistrationResponse({ response: await client.create(regOptions), expectedChallenge: regOptions.challenge, expectedOrigin: origin, expectedRPID: rpID });
  return reg.registrationInfo!.credential;
}

async function loginWith(vault: ReturnType<typeof open>, phone: string, credential: Awaited<ReturnType<typeof registerAndLogin>>) {
  const client = createClient({ authenticator: vault.authenticatorFor(phone), origin });
  const authOptions = await generateAuthenticationOptions({ rpID });
  const response = await client.get(authOptions);
  return verifyAuthenticationResponse({ response, expectedChallenge: authOptions.challenge, expectedOrigin: origin, expectedRPID: rpID, credential });
}

describe('vault', () => {
  it('keeps phones and their passkeys across reopen; counters persist', async () => {
    const path = tempPath();
    let vault = open(path);
    vault.createPhone({ name: 'my-yubikey', profile: 'yubikey-5' });
    const credential = await registerAndLogin(vault, 'my-yubikey');
    vault.close();

    vault = open(path);
    expect(vault.listPhones()).toMatchObject([{ name: 'my-yubikey', credentialCount: 1, profile: { id: 'yubikey-5' } }]);
    const first = await loginWith(vault, 'my-yubikey', credential);
    expect(first.verified).toBe(true);
    expect(first.authenticationInfo.newCounter).toBe(1);
    vault.close();
    vault = open(path);
    const second = await loginWith(vault, 'my-yubikey', { ...credential, counter: 1 });
    expect(second.authenticationInfo.newCounter).toBe(2);
    vault.close();
  });

  it('stores private keys encrypted at rest', async () => {
    const path = tempPath();
    const vault = open(path);
    vault.createPhone({ name: 'p' });
    await registerAndLogin(vault, 'p');
    const pkcs8 = vault.exportPhone('p').credentials[0]!.privateKey;
    vault.close();
    const raw = readFileSync(path);
    expect(raw.includes(Buffer.from(pkcs8, 'base64url'))).toBe(false);
    expect(raw.includes(Buffer.from(pkcs8, 'base64url').subarray(36, 68))).toBe(false);
  });

  it('refuses a wrong passphrase with VAULT_LOCKED', () => {
    const path = tempPath();
    open(path).close();
    expect(() => open(path, 'wrong')).toThrow(expect.objectContaining({ code: 'VAULT_LOCKED' }));
  });

  it('exports and imports a phone: the imported copy logs in with the same passkey', async () => {
    const source = open(tempPath());
    source.createPhone({ name: 'iphone', profile: 'iphone-icloud' });
    const credential = await registerAndLogin(source, 'iphone');
    const exported = JSON.parse(JSON.stringify(source.exportPhone('iphone')));
    expect(exported.credentials[0].privateKey).toMatch(/^MIG/); // PKCS#8 DER SEQUENCE, base64url
    const target = open(tempPath(), 'another passphrase');
    target.importPhone(exported, { name: 'iphone-copy' });
    expect((await loginWith(target, 'iphone-copy', credential)).verified).toBe(true);
    source.close();
    target.close();
  });

  it('rejects an import whose private key does not match its public key', async () => {
    const vault = open(tempPath());
    vault.createPhone({ name: 'a' });
    vault.createPhone({ name: 'b' });
    await registerAndLogin(vault, 'a');
    await registerAndLogin(vault, 'b');
    const a = vault.exportPhone('a');
    const b = vault.exportPhone('b');
    a.credentials[0]!.privateKey = b.credentials[0]!.privateKey;
    expect(() => vault.importPhone(a, { name: 'swapped' })).toThrow(expect.objectContaining({ code: 'VAULT_IMPORT_INVALID' }));
    expect(() => vault.importPhone({ format: 'nope' })).toThrow(expect.objectContaining({ code: 'VAULT_IMPORT_INVALID' }));
    vault.close();
  });

  it('renames and deletes phones, with PHONE_EXISTS / PHONE_NOT_FOUND', () => {
    const vault = open(tempPath());
    vault.createPhone({ name: 'a' });
    vault.createPhone({ name: 'b', profile: 'android-gpm' });
    expect(() => vault.createPhone({ name: 'a' })).toThrow(expect.objectContaining({ code: 'PHONE_EXISTS' }));
    expect(() => vault.renamePhone({ from: 'a', to: 'b' })).toThrow(expect.objectContaining({ code: 'PHONE_EXISTS' }));
    expect(vault.renamePhone({ from: 'a', to: 'c' }).name).toBe('c');
    vault.deletePhone('c');
    expect(vault.listPhones().map((p) => p.name)).toEqual(['b']);
    try {
      vault.getPhone('c');
    } catch (error) {
      expect(isHarnessError(error, 'PHONE_NOT_FOUND')).toBe(true);
    }
    vault.close();
  });
});
