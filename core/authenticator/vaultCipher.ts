import { HarnessError } from '../errors.js';
import type { Random } from '../random.js';
import type { VaultRepository } from '../store/index.js';
import { concatBytes, equalBytes } from '../webauthn/index.js';
import { nodeCrypto } from './crypto/node.js';

const KEY_CHECK = new TextEncoder().encode('passkey-harness vault key check');

export interface VaultCipher {
  /** AES-256-GCM; `aad` (the credential id) binds a ciphertext to its row. Output: iv ‖ ciphertext ‖ tag. */
  encrypt(plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** VAULT_LOCKED when the key is wrong or the blob or its row was tampered with. */
  decrypt(blob: Uint8Array, aad: Uint8Array): Uint8Array;
}

/**
 * The vault's key: scrypt over the passphrase with the vault's own salt and cost (both kept in its
 * meta table, chosen on first open). A stored key-check ciphertext makes a wrong passphrase fail
 * with VAULT_LOCKED at open, before any credential is read.
 */
export function openVaultCipher(repo: VaultRepository, opts: { passphrase: string; random: Random; scryptCost?: number }): VaultCipher {
  const crypto = nodeCrypto();
  let salt = repo.getMeta('kdf_salt');
  let costBytes = repo.getMeta('kdf_cost');
  if (!salt || !costBytes) {
    salt = opts.random.bytes(16);
    costBytes = new TextEncoder().encode(String(opts.scryptCost ?? 2 ** 15));
    repo.setMeta('kdf_salt', salt);
    repo.setMeta('kdf_cost', costBytes);
  }
  const N = storedCost(costBytes);
  const key = new Uint8Array(crypto.scryptSync(opts.passphrase, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 }));

  const cipher: VaultCipher = {
    encrypt(plaintext, aad) {
      const iv = opts.random.bytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(aad);
      const body = concatBytes(c.update(plaintext), c.final());
      return concatBytes(iv, body, c.getAuthTag());
    },
    decrypt(blob, aad) {
      try {
        const d = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
        d.setAAD(aad);
        d.setAuthTag(blob.subarray(blob.length - 16));
        return concatBytes(d.update(blob.subarray(12, blob.length - 16)), d.final());
      } catch (cause) {
        throw new HarnessError('VAULT_LOCKED', 'cannot decrypt the vault: wrong passphrase or tampered data', { cause });
      }
    },
  };

  const check = repo.getMeta('key_check');
  if (!check) repo.setMeta('key_check', cipher.encrypt(KEY_CHECK, KEY_CHECK));
  else {
    try {
      if (!equalBytes(cipher.decrypt(check, KEY_CHECK), KEY_CHECK)) throw new Error('mismatch');
    } catch (cause) {
      throw new HarnessError('VAULT_LOCKED', 'wrong vault passphrase', { cause });
    }
  }
  return cipher;
}

/** Highest stored cost opened: 2^17 takes 128 MiB and about half a second; the vault writes 2^15. */
const MAX_VAULT_COST = 2 ** 17;

/**
 * The scrypt N the vault was written with. The row is plain text in the vault file: an edited or damaged
 * one is VAULT_LOCKED with what it says, not a crypto exception or a multi-gigabyte allocation.
 */
function storedCost(bytes: Uint8Array): number {
  const text = new TextDecoder().decode(bytes);
  const N = /^[0-9]{1,7}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(N) || N < 2 || N > MAX_VAULT_COST || (N & (N - 1)) !== 0) {
    const shown = /^[\x20-\x7e]{0,40}$/.test(text) ? `"${text}"` : `${bytes.length} bytes`;
    throw new HarnessError('VAULT_LOCKED', `the vault's key-derivation cost is damaged (${shown}; a power of two up to ${MAX_VAULT_COST} was expected): restore the vault file from a backup`);
  }
  return N;
}
