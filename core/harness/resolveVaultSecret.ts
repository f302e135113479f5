import { closeSync, existsSync, fstatSync, linkSync, openSync, readFileSync, readSync, statSync, unlinkSync, writeSync, constants as fs } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { HarnessError } from '../errors.js';
import { makeDirs } from '../makeDirs.js';
import { systemRandom, type Random } from '../random.js';
import { bytesToHex } from '../webauthn/index.js';

/** Where the vault's key comes from; what `harness.info` and the CLI show (never the key itself). */
export interface VaultKeyInfo {
  /** The vault file (`phones.sqlite`). */
  path: string;
  /** `environment`: PASSKEY_HARNESS_VAULT_PASSPHRASE; `key-file`: a random key in `keyFile` (owner-only). */
  keySource: 'environment' | 'key-file';
  keyFile?: string;
  /** True when this process created the key file (first use): the adapter says where it is. */
  keyFileCreated?: boolean;
}

export interface VaultSecret extends VaultKeyInfo {
  /** What the vault cipher (and anything else sealed with the vault's secret) uses as its passphrase. */
  passphrase: string;
}

const KEY_PATTERN = /^[0-9a-f]{64}\n?$/;

/** `phones.sqlite` → `phones.key` in the same folder (any other name gets `.key` appended). */
export function vaultKeyPath(vaultPath: string): string {
  const ext = extname(vaultPath);
  const stem = ext === '.sqlite' || ext === '.db' ? basename(vaultPath, ext) : basename(vaultPath);
  return join(dirname(vaultPath), `${stem}.key`);
}

/**
 * The vault's secret: the passphrase when one is set, else a random 256-bit key kept in a file
 * readable only by its owner beside the vault (created on first use, as ssh keeps private keys),
 * so a fresh checkout needs no set-up and no secret lives in the source.
 *
 * - A key file group or others may read, or owned by another user, is refused (`VAULT_KEY_INSECURE`), like ssh.
 * - A vault that already holds data but has no key file was sealed under a passphrase (or by an earlier
 *   version's built-in one): no key file is invented for it (it could never decrypt it); `VAULT_LOCKED` says what to do.
 */
export function resolveVaultSecret({ vaultPath, passphrase, random = systemRandom }: { vaultPath: string; passphrase?: string; random?: Random }): VaultSecret {
  checkSqliteFile(vaultPath);
  const keyFile = vaultKeyPath(vaultPath);
  if (passphrase) {
    if (sealedWithOtherKey(vaultPath, keyFile, passphrase)) {
      throw new HarnessError(
        'VAULT_LOCKED',
        `${vaultPath} is sealed with its key file ${keyFile}, not with PASSKEY_HARNESS_VAULT_PASSPHRASE: ` +
          'unset PASSKEY_HARNESS_VAULT_PASSPHRASE to open it with its key file, or use another --db (a new database gets a vault sealed with the passphrase)',
        { details: { vaultPath, keyFile } },
      );
    }
    return { path: vaultPath, keySource: 'environment', passphrase };
  }
  if (existsSync(keyFile)) return { path: vaultPath, keySource: 'key-file', keyFile, keyFileCreated: false, passphrase: readKeyFile(keyFile) };
  if (hasData(vaultPath)) {
    throw new HarnessError(
      'VAULT_LOCKED',
      `${vaultPath} was sealed under a passphrase (PASSKEY_HARNESS_VAULT_PASSPHRASE, or an earlier version's built-in one) and ${keyFile} does not exist: ` +
        'set PASSKEY_HARNESS_VAULT_PASSPHRASE to that passphrase, or export its phones with the version that made it (pkh phone export NAME --output FILE) ' +
        'and move the vault aside; a new vault then gets a random key file',
      { details: { vaultPath, keyFile } },
    );
  }
  const created = createKeyFile(keyFile, random);
  return { path: vaultPath, keySource: 'key-file', keyFile, keyFileCreated: created, passphrase: readKeyFile(keyFile) };
}

/**
 * A key file is only ever made for a vault without data, which is then sealed with it; a vault sealed
 * under a passphrase never gets one (see above). So a vault with data beside a valid key file holding
 * another key was sealed with that file, and the passphrase cannot open it (nor its trust files). A key
 * file that cannot be read as one decides nothing: the vault's own key check then answers.
 */
function sealedWithOtherKey(vaultPath: string, keyFile: string, passphrase: string): boolean {
  if (!existsSync(keyFile) || !hasData(vaultPath)) return false;
  try {
    return readKeyFile(keyFile) !== passphrase;
  } catch {
    return false;
  }
}

const SQLITE_HEADER = new TextEncoder().encode('SQLite format 3\u0000');

/**
 * A vault is an SQLite file (SQLite file format §1.3: the 16-byte header string). Anything else given
 * as one (a text file, a report, a key) is named as not a vault — not taken for a vault sealed under
 * another passphrase — with the code of every vault that cannot be opened. An empty or missing file is
 * a vault to create; only regular files are read (a FIFO would block).
 */
function checkSqliteFile(vaultPath: string): void {
  const st = statSync(vaultPath, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size === 0) return;
  const head = new Uint8Array(SQLITE_HEADER.length);
  const fd = openSync(vaultPath, fs.O_RDONLY);
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.every((byte, i) => byte === SQLITE_HEADER[i])) {
    throw new HarnessError('VAULT_LOCKED', `${vaultPath} is not a phone vault (not an SQLite database): give --vault (PASSKEY_HARNESS_VAULT) a vault, or a new path for a new one`, { details: { vaultPath } });
  }
}

function hasData(path: string): boolean {
  // WAL mode keeps a fresh vault's pages in -wal until a checkpoint.
  return [path, `${path}-wal`].some((p) => existsSync(p) && statSync(p).size > 0);
}

function readKeyFile(keyFile: string): string {
  const fd = openSync(keyFile, fs.O_RDONLY | (fs.O_NOFOLLOW ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new HarnessError('VAULT_KEY_INSECURE', `${keyFile} is not a regular file`, { details: { keyFile } });
    if ((st.mode & 0o077) !== 0) {
      throw new HarnessError('VAULT_KEY_INSECURE', `${keyFile} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${keyFile}`, {
        details: { keyFile, mode: (st.mode & 0o777).toString(8) },
      });
    }
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) throw new HarnessError('VAULT_KEY_INSECURE', `${keyFile} belongs to another user (uid ${st.uid})`, { details: { keyFile } });
    const text = readFileSync(fd, 'utf8');
    if (!KEY_PATTERN.test(text)) throw new HarnessError('VAULT_LOCKED', `${keyFile} is not a vault key (64 hex digits)`, { details: { keyFile } });
    return text.trim();
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the key to a temporary file opened O_CREAT|O_EXCL with mode 0600 (never chmod after
 * writing), then links it into place: the key file appears whole, and when two processes race,
 * link() lets exactly one win and the other reads the winner's key. Returns whether this call won.
 */
function createKeyFile(keyFile: string, random: Random): boolean {
  makeDirs(dirname(keyFile), { mode: 0o700 });
  const temp = `${keyFile}.${bytesToHex(random.bytes(8))}.tmp`;
  const fd = openSync(temp, fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL | (fs.O_NOFOLLOW ?? 0), 0o600);
  try {
    writeSync(fd, `${bytesToHex(random.bytes(32))}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, keyFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}
