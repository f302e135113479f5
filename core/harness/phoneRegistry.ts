import { exportCredential, memoryCredentialStore, resolveProfile, type CredentialStore, type DeviceProfile, type StoredCredential } from '../authenticator/index.js';
import type { Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { fromBase64url, toBase64url } from '../webauthn/index.js';
import type { VaultKeyInfo } from './resolveVaultSecret.js';

/** A virtual phone as the harness sees it: a profile and a credential store (memory or the vault). */
export interface PhoneRecord {
  name: string;
  /** A built-in profile id, or the full profile the vault stored with the phone. */
  profile: string | DeviceProfile;
  createdAt: number;
  credentials: CredentialStore;
}

/** What the harness needs from wherever phones live (the persistent vault, or memory). */
export interface PhoneRegistry {
  create(name: string, profile: string | DeviceProfile): PhoneRecord;
  list(): PhoneRecord[];
  get(name: string): PhoneRecord;
  rename(name: string, newName: string): PhoneRecord;
  delete(name: string): void;
  export(name: string): Record<string, unknown>;
  import(data: Record<string, unknown>, name?: string): PhoneRecord;
  close(): void;
  /** A persistent vault says where it is and where its key comes from (`harness.info`); memory phones have none. */
  readonly vault?: VaultKeyInfo;
}

export const PHONE_EXPORT_FORMAT = 'passkey-harness/phone@1';


function credentialFromJson(value: unknown): StoredCredential {
  const v = value as Record<string, unknown>;
  if (v && typeof v === 'object' && typeof v.credentialId === 'string' && v.id === undefined) v.id = v.credentialId;
  if (!v || typeof v !== 'object' || typeof v.id !== 'string' || typeof v.rpId !== 'string' || typeof v.privateKey !== 'string' || typeof v.publicKey !== 'string') {
    throw new HarnessError('VAULT_IMPORT_INVALID', 'credential entry lacks id, rpId, privateKey or publicKey');
  }
  return {
    id: fromBase64url(v.id, 'credential id'),
    rpId: v.rpId,
    userHandle: typeof v.userHandle === 'string' ? fromBase64url(v.userHandle, 'userHandle') : null,
    userName: typeof v.userName === 'string' ? v.userName : null,
    userDisplayName: typeof v.userDisplayName === 'string' ? v.userDisplayName : null,
    alg: Number(v.alg) as StoredCredential['alg'],
    privateKey: fromBase64url(v.privateKey, 'privateKey'),
    publicKey: fromBase64url(v.publicKey, 'publicKey'),
    signCount: Number(v.signCount ?? 0),
    discoverable: v.discoverable !== false,
    createdAt: Number(v.createdAt ?? 0),
    lastUsedAt: v.lastUsedAt === null || v.lastUsedAt === undefined ? null : Number(v.lastUsedAt),
  };
}

/** Phones that live as long as the process (scenarios, `demo`, tests). */
export function memoryPhoneRegistry(clock: Clock): PhoneRegistry {
  const phones = new Map<string, PhoneRecord>();
  const get = (name: string) => {
    const phone = phones.get(name);
    if (!phone) throw new HarnessError('PHONE_NOT_FOUND', `no phone named ${name}`);
    return phone;
  };
  const add = (name: string, profile: string | DeviceProfile, credentials: CredentialStore) => {
    if (phones.has(name)) throw new HarnessError('PHONE_EXISTS', `a phone named ${name} already exists`);
    resolveProfile(profile);
    const record = { name, profile, createdAt: clock.now(), credentials };
    phones.set(name, record);
    return record;
  };
  return {
    create: (name, profile) => add(name, profile, memoryCredentialStore()),
    list: () => [...phones.values()].sort((a, b) => a.name.localeCompare(b.name)),
    get,
    rename(name, newName) {
      const phone = get(name);
      if (phones.has(newName)) throw new HarnessError('PHONE_EXISTS', `a phone named ${newName} already exists`);
      phones.delete(name);
      phone.name = newName;
      phones.set(newName, phone);
      return phone;
    },
    delete(name) {
      get(name);
      phones.delete(name);
    },
    export(name) {
      const phone = get(name);
      return { format: PHONE_EXPORT_FORMAT, name: phone.name, profile: resolveProfile(phone.profile), createdAt: phone.createdAt, credentials: phone.credentials.list().map(exportCredential) };
    },
    import(data, name) {
      const profile = typeof data.profile === 'object' && data.profile !== null ? (data.profile as { id?: unknown }).id : data.profile;
      if (data.format !== PHONE_EXPORT_FORMAT || typeof profile !== 'string' || !Array.isArray(data.credentials)) {
        throw new HarnessError('VAULT_IMPORT_INVALID', `not a ${PHONE_EXPORT_FORMAT} export`);
      }
      const target = name ?? (typeof data.name === 'string' ? data.name : undefined);
      if (!target) throw new HarnessError('VAULT_IMPORT_INVALID', 'the export has no phone name; pass one');
      return add(target, profile, memoryCredentialStore(data.credentials.map(credentialFromJson)));
    },
    close() {},
  };
}
