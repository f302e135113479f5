import { checkPhoneName, exportCredential, memoryCredentialStore, parsePhoneExport, resolveProfile, type CredentialStore, type DeviceProfile } from '../authenticator/index.js';
import type { Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
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

/** Phones that live as long as the process (scenarios, `demo`, tests). */
export function memoryPhoneRegistry(clock: Clock): PhoneRegistry {
  const phones = new Map<string, PhoneRecord>();
  const get = (name: string) => {
    const phone = phones.get(name);
    if (!phone) throw new HarnessError('PHONE_NOT_FOUND', `no phone named ${name}`);
    return phone;
  };
  const add = (name: string, profile: string | DeviceProfile, credentials: CredentialStore) => {
    checkPhoneName(name);
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
      checkPhoneName(newName);
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
      // The vault's checks (shape, complete profile, timestamps, unique IDs, key pairs): one reader for both.
      const input = parsePhoneExport(data);
      return add(name ?? input.name, input.profile, memoryCredentialStore(input.credentials));
    },
    close() {},
  };
}
