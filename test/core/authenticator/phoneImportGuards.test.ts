import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { memoryCredentialStore } from '../../../core/authenticator/credentials.js';
import { exportCredential, parsePhoneExport } from '../../../core/authenticator/phoneExport.js';
import { builtInProfiles, type DeviceProfile } from '../../../core/authenticator/profiles.js';

/** A phone export as the harness writes it: one ES256 and one EdDSA credential with real keys. */
async function validExport(seed = 'import-guards') {
  const credentials = memoryCredentialStore();
  const profile: DeviceProfile = { ...builtInProfiles['iphone-icloud']!, algorithms: [-7, -8] };
  const phone = createAuthenticator({ profile, seed, credentials });
  for (const alg of [-7, -8]) {
    await phone.makeCredential({ rpId: 'bank.example.jp', clientDataHash: new Uint8Array(32), user: { id: Uint8Array.of(alg & 0xff), name: 'taro', displayName: 'Taro' }, pubKeyCredParams: [{ alg }], residentKey: 'required' });
  }
  return { format: 'passkey-harness/phone@1' as const, name: 'p', profile, createdAt: 0, credentials: credentials.list().map(exportCredential) };
}

const refusal = (data: unknown) => {
  try {
    parsePhoneExport(data);
    return 'accepted';
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
};

describe('phone import: each credential is checked before anything is stored', () => {
  it('takes a file the harness wrote', async () => {
    expect(parsePhoneExport(await validExport()).credentials.map((c) => c.alg).sort((x, y) => x - y)).toEqual([-8, -7]);
  });

  it('refuses a credential whose alg is not its key\'s (an ES256 key labelled EdDSA would sign as the wrong algorithm)', async () => {
    const data = await validExport();
    const es256 = data.credentials.find((c) => c.alg === -7)!;
    es256.alg = -8;
    expect(refusal(data)).toMatch(/^VAULT_IMPORT_INVALID: credential .*(does not match|cannot sign)/);
  });

  it('refuses an algorithm the harness does not know, naming it', async () => {
    const data = await validExport();
    data.credentials[0]!.alg = -999;
    expect(refusal(data)).toBe('VAULT_IMPORT_INVALID: unsupported algorithm -999');
  });

  it('refuses a private key that belongs to another phone\'s credential', async () => {
    const data = await validExport();
    const other = await validExport('another phone');
    data.credentials.find((c) => c.alg === -7)!.privateKey = other.credentials.find((c) => c.alg === -7)!.privateKey;
    expect(refusal(data)).toMatch(/^VAULT_IMPORT_INVALID: credential .*: private key does not match its public key$/);
  });

  it('refuses an empty credential ID, a counter past 32 bits and a time no Date can hold', async () => {
    for (const tamper of [
      (c: { credentialId: string }) => (c.credentialId = ''),
      (c: { signCount: number }) => (c.signCount = 2 ** 32),
      (c: { createdAt: number }) => (c.createdAt = 8.64e15 + 1),
    ]) {
      const data = await validExport();
      tamper(data.credentials[0] as never);
      expect(refusal(data)).toMatch(/^VAULT_IMPORT_INVALID: not a phone export: credentials\.0\./);
    }
  });

  it('refuses two credentials with one ID (the second would silently replace the first)', async () => {
    const data = await validExport();
    data.credentials.push({ ...data.credentials[0]! });
    expect(refusal(data)).toMatch(/^VAULT_IMPORT_INVALID: not a phone export: credentials\.2\.credentialId: duplicate credential ID .* \(also credentials\.0\)$/);
  });
});
