import { createCipheriv, createDecipheriv, scryptSync, createHash } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { makeDirs } from '../makeDirs.js';
import { systemRandom, type Random } from '../random.js';
import { fromBase64url, toBase64url } from '../webauthn/index.js';

/**
 * The installation's trust material: one 32-byte secret every CA and MDS key is derived from,
 * plus the certificates issued so far (cached, so every process shows the same PEM: ECDSA
 * certificate signatures are randomised and could not be re-derived byte for byte).
 */
export interface TrustMaterial {
  readonly secret: Uint8Array;
  /** Start of validity of every certificate (epoch ms). */
  readonly notBefore: number;
  /** Where the material lives; null when derived from a seed or held in memory. */
  readonly path: string | null;
  certificate(name: string): Uint8Array | undefined;
  /**
   * Caches a newly issued certificate (and writes it to the file, when there is one). Returns the
   * certificate that stays: another process's, when it cached one under this name first.
   */
  remember(name: string, der: Uint8Array): Uint8Array;
}

interface TrustFileJson {
  format: 'passkey-harness/trust@1';
  createdAt: number;
  notBefore: number;
  kdf: { salt: string; N: number };
  /** iv ‖ AES-256-GCM(secret) ‖ tag, base64url. */
  secret: string;
  certificates: Record<string, string>;
}

const FORMAT = 'passkey-harness/trust@1';
const AAD = new TextEncoder().encode(FORMAT);
const DAY = 24 * 3600_000;

export interface OpenTrustFileOptions {
  /** e.g. `trust.json` beside the phone vault. Created on first use (mode 0600). */
  path: string;
  /** The vault passphrase: the secret is sealed under a scrypt-derived key. */
  passphrase: string;
  clock?: Clock;
  random?: Random;
  /** scrypt cost N for a new file (default 2^15); tests lower it. */
  scryptCost?: number;
}

function keyFor(passphrase: string, salt: Uint8Array, N: number): Buffer {
  return scryptSync(passphrase, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
}

function readJson(path: string): TrustFileJson | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HarnessError('CONFIG_INVALID', `cannot read the trust file ${path}`, { cause: error });
  }
  let parsed: TrustFileJson;
  try {
    parsed = JSON.parse(text) as TrustFileJson;
  } catch (cause) {
    throw new HarnessError('CONFIG_INVALID', `trust file ${path} is not JSON`, { cause });
  }
  if (parsed?.format !== FORMAT || typeof parsed.secret !== 'string' || typeof parsed.kdf?.salt !== 'string' || !Number.isInteger(parsed.kdf?.N)) {
    throw new HarnessError('CONFIG_INVALID', `trust file ${path} is not a ${FORMAT} file`);
  }
  parsed.certificates ??= {};
  return parsed;
}

function writeAtomically(path: string, json: TrustFileJson, exclusive: boolean): boolean {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
  try {
    if (!exclusive) {
      renameSync(tmp, path);
      return true;
    }
    // link() fails when the target exists: two processes creating the file at once agree on one secret.
    try {
      linkSync(tmp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // renamed away already
    }
  }
}

/** Opens (creating on first use) the installation's sealed trust file. Wrong passphrase → VAULT_LOCKED. */
export function openTrustFile(options: OpenTrustFileOptions): TrustMaterial {
  const { path, passphrase, clock = systemClock, random = systemRandom, scryptCost = 2 ** 15 } = options;
  if (!passphrase) throw new HarnessError('VAULT_LOCKED', 'a vault passphrase is required to open the attestation CA (PASSKEY_HARNESS_VAULT_PASSPHRASE)');
  let json = readJson(path);
  let secret: Uint8Array | undefined;
  if (!json) {
    secret = random.bytes(32);
    const salt = random.bytes(16);
    const iv = random.bytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyFor(passphrase, salt, scryptCost), iv);
    cipher.setAAD(AAD);
    const sealed = Buffer.concat([iv, cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
    const now = clock.now();
    const fresh: TrustFileJson = { format: FORMAT, createdAt: now, notBefore: now - DAY, kdf: { salt: toBase64url(salt), N: scryptCost }, secret: toBase64url(sealed), certificates: {} };
    makeDirs(dirname(path));
    if (writeAtomically(path, fresh, true)) json = fresh;
    else {
      secret = undefined;
      json = readJson(path)!;
    }
  }
  if (!secret) {
    const sealed = fromBase64url(json.secret, 'trust secret');
    try {
      const decipher = createDecipheriv('aes-256-gcm', keyFor(passphrase, fromBase64url(json.kdf.salt, 'trust salt'), json.kdf.N), sealed.subarray(0, 12));
      decipher.setAAD(AAD);
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      secret = new Uint8Array(Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]));
    } catch (cause) {
      throw new HarnessError('VAULT_LOCKED', 'the trust file does not open with this passphrase', { cause });
    }
  }
  const certificates = new Map(Object.entries(json.certificates).map(([name, der]) => [name, fromBase64url(der, 'certificate')]));
  const notBefore = json.notBefore;
  return {
    secret,
    notBefore,
    path,
    certificate(name) {
      let found = certificates.get(name);
      if (!found) {
        // Another process may have issued it since this one opened the file.
        const stored = readJson(path)?.certificates[name];
        if (stored) certificates.set(name, (found = fromBase64url(stored, 'certificate')));
      }
      return found;
    },
    remember(name, der) {
      const current = readJson(path) ?? json!;
      const theirs = current.certificates[name];
      if (theirs) {
        const kept = fromBase64url(theirs, 'certificate');
        certificates.set(name, kept);
        return kept;
      }
      current.certificates[name] = toBase64url(der);
      writeAtomically(path, current, false);
      certificates.set(name, der);
      return der;
    },
  };
}

/** Material derived from a scenario seed: same keys on every replay, nothing on disk. */
export function seededTrust(seed: string | Uint8Array): TrustMaterial {
  const bytes = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed;
  const secret = new Uint8Array(createHash('sha256').update('passkey-harness trust seed\0').update(bytes).digest());
  return inMemory(secret, Date.UTC(2025, 0, 1));
}

/** Fresh material for one process (tests, `:memory:` harnesses). */
export function memoryTrust(options: { random?: Random; clock?: Clock } = {}): TrustMaterial {
  const { random = systemRandom, clock = systemClock } = options;
  return inMemory(random.bytes(32), clock.now() - DAY);
}

function inMemory(secret: Uint8Array, notBefore: number): TrustMaterial {
  const certificates = new Map<string, Uint8Array>();
  return {
    secret,
    notBefore,
    path: null,
    certificate: (name) => certificates.get(name),
    remember(name, der) {
      certificates.set(name, der);
      return der;
    },
  };
}
