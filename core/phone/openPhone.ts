import { createAuthenticator, openVault, type AuthenticatorFaults, type CryptoBackend, type DeviceProfile, type Vault } from '../authenticator/index.js';
import type { Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { assemblePhone, type Phone, type PhonePrompt } from './createPhone.js';

export interface VaultLocation {
  /** The vault file the CLI and desktop app use (e.g. `phones.sqlite` beside the server database). */
  path: string;
  /** What `PASSKEY_HARNESS_VAULT_PASSPHRASE` holds for that vault. */
  passphrase: string;
  /** scrypt cost for a NEW vault file (tests may lower it; an existing vault keeps its own). */
  scryptCost?: number;
}

export interface OpenPhoneOptions {
  /** An open vault, or where to open one (closed again by `close()`). */
  vault: Vault | VaultLocation;
  /** The phone's name in the vault. */
  name: string;
  /** Profile for a phone that does not exist yet (created on first use). An existing phone keeps its profile; naming another one is an error. */
  profile?: string | DeviceProfile;
  /** false: PHONE_NOT_FOUND instead of creating it. Default true. */
  create?: boolean;
  seed?: string | Uint8Array;
  clock?: Clock;
  backend?: CryptoBackend;
  prompt?: PhonePrompt;
  faults?: AuthenticatorFaults;
}

export type PersistentPhone = Phone & { readonly name: string; close(): void };

/**
 * A named phone from a vault shared with the CLI (`pkh phone …`) and the desktop app: every
 * credential it creates and every counter it advances is written to the vault as it happens.
 */
export function openPhone(options: OpenPhoneOptions): PersistentPhone {
  const { name, create = true } = options;
  const owned = !isVault(options.vault);
  const vault = isVault(options.vault) ? options.vault : openVault({ path: options.vault.path, passphrase: options.vault.passphrase, ...(options.vault.scryptCost ? { scryptCost: options.vault.scryptCost } : {}) });
  try {
    let profile: DeviceProfile;
    const existing = vault.listPhones().find((p) => p.name === name);
    if (existing) {
      profile = existing.profile;
      const wanted = options.profile === undefined ? undefined : typeof options.profile === 'string' ? options.profile : options.profile.id;
      if (wanted !== undefined && wanted !== profile.id) {
        throw new HarnessError('CONFIG_INVALID', `phone "${name}" is a ${profile.id}, not a ${wanted}`);
      }
    } else if (create) {
      profile = vault.createPhone({ name, ...(options.profile ? { profile: options.profile } : {}) }).profile;
    } else {
      throw new HarnessError('PHONE_NOT_FOUND', `no phone named "${name}" in the vault`);
    }
    const store = vault.credentials(name);
    const phone = assemblePhone({
      profile,
      store,
      prompt: options.prompt,
      authenticator: (localAuth, credentials) =>
        createAuthenticator({
          profile,
          credentials,
          localAuth,
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.backend ? { backend: options.backend } : {}),
          ...(options.faults ? { faults: options.faults } : {}),
        }),
    });
    return Object.assign(phone, { name, close: () => (owned ? vault.close() : undefined) });
  } catch (error) {
    if (owned) vault.close();
    throw error;
  }
}

function isVault(value: Vault | VaultLocation): value is Vault {
  return typeof (value as Vault).authenticatorFor === 'function';
}
