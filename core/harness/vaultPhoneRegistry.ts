import type { Phone, Vault } from '../authenticator/index.js';
import type { PhoneRecord, PhoneRegistry } from './phoneRegistry.js';
import type { VaultKeyInfo } from './resolveVaultSecret.js';

/** The harness's phones over the persistent vault (core/authenticator/vault.ts): credentials and counters survive restarts. */
export function vaultPhoneRegistry(vault: Vault, where?: VaultKeyInfo): PhoneRegistry {
  const record = (phone: Phone): PhoneRecord => ({ name: phone.name, profile: phone.profile, createdAt: phone.createdAt, credentials: vault.credentials(phone.name) });
  return {
    create: (name, profile) => record(vault.createPhone({ name, profile })),
    list: () => vault.listPhones().map(record),
    get: (name) => record(vault.getPhone(name)),
    rename: (name, newName) => record(vault.renamePhone({ from: name, to: newName })),
    delete: (name) => vault.deletePhone(name),
    export: (name) => vault.exportPhone(name) as unknown as Record<string, unknown>,
    import: (data, name) => record(vault.importPhone(data, name === undefined ? undefined : { name })),
    close: () => vault.close(),
    ...(where ? { vault: where } : {}),
  };
}
