import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CredentialStore } from '../authenticator/credentials.js';
import type { Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { memoryPhoneRegistry, type PhoneRecord, type PhoneRegistry } from './phoneRegistry.js';

const FILE_FORMAT = 'passkey-harness/phones-file@1';
/** Used only when PASSKEY_HARNESS_VAULT_PASSPHRASE is unset; front ends say so. */
export const DEVELOPMENT_PASSPHRASE = 'passkey-harness-development-only';

interface SealedFile {
  format: string;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

function key(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, 32, { N: 1 << 14, r: 8, p: 1 });
}

/**
 * Phones persisted in one file, sealed with AES-256-GCM under a scrypt key from the passphrase,
 * so `pkh phone create` and a later `pkh enroll` in another process see the same phone. Used
 * by the in-process harness until the SQLite vault (core/authenticator/vault.ts) is wired in.
 */
export function filePhoneRegistry({ path, passphrase = DEVELOPMENT_PASSPHRASE, clock }: { path: string; passphrase?: string; clock: Clock }): PhoneRegistry {
  const inner = memoryPhoneRegistry(clock);
  const save = () => {
    const exports = inner.list().map((p) => inner.export(p.name));
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key(passphrase, salt), iv);
    const data = Buffer.concat([cipher.update(JSON.stringify({ phones: exports }), 'utf8'), cipher.final()]);
    const sealed: SealedFile = { format: FILE_FORMAT, salt: salt.toString('base64url'), iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data: data.toString('base64url') };
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(sealed), { mode: 0o600 });
    renameSync(tmp, path);
  };
  /** Credential writes (new passkey, counter bump) persist immediately. */
  const persisting = (record: PhoneRecord): PhoneRecord => {
    const store = record.credentials;
    const wrapped: CredentialStore = {
      list: (filter) => store.list(filter),
      get: (id) => store.get(id),
      put: (credential) => (store.put(credential), save()),
      delete: (id) => (store.delete(id), save()),
      updateUsage: (id, usage) => (store.updateUsage(id, usage), save()),
    };
    record.credentials = wrapped;
    return record;
  };

  if (existsSync(path)) {
    let sealed: SealedFile;
    try {
      sealed = JSON.parse(readFileSync(path, 'utf8')) as SealedFile;
    } catch (error) {
      throw new HarnessError('VAULT_IMPORT_INVALID', `${path} is not a phones file`, { cause: error });
    }
    if (sealed.format !== FILE_FORMAT) throw new HarnessError('VAULT_IMPORT_INVALID', `${path} is not a ${FILE_FORMAT} file`);
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key(passphrase, Buffer.from(sealed.salt, 'base64url')), Buffer.from(sealed.iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
      plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new HarnessError('VAULT_LOCKED', `cannot open ${path}: wrong PASSKEY_HARNESS_VAULT_PASSPHRASE or a damaged file`, { cause: error });
    }
    for (const phone of (JSON.parse(plain) as { phones: Record<string, unknown>[] }).phones) persisting(inner.import(phone));
  }

  return {
    create: (name, profile) => {
      const record = persisting(inner.create(name, profile));
      save();
      return record;
    },
    list: () => inner.list(),
    get: (name) => inner.get(name),
    rename: (name, newName) => {
      const record = inner.rename(name, newName);
      save();
      return record;
    },
    delete: (name) => {
      inner.delete(name);
      save();
    },
    export: (name) => inner.export(name),
    import: (data, name) => {
      const record = persisting(inner.import(data, name));
      save();
      return record;
    },
    close: () => inner.close(),
  };
}
