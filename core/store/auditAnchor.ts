import { createHmac, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, constants, ftruncateSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { HarnessError } from '../errors.js';
import { systemRandom, type Random } from '../random.js';

/** The newest audit row as the chain knows it. Row IDs are dense from 1, so `id` is also the row count. */
export interface AuditHead {
  id: number;
  hash: string;
}

/** A head with its HMAC under the anchor key (which is never stored in the database). */
export interface SignedAuditHead extends AuditHead {
  mac: string;
}

/**
 * What anchors the audit chain outside the database: an HMAC key in a 0600 file beside it
 * (`<db>.audit-key`, created on first use) and a copy of the signed head (`<db>.audit-head`),
 * written after each commit that appended. Someone who has the database file but not these can
 * neither forge a checkpoint nor hide that the newest rows were deleted. A `:memory:` database
 * keeps its key in memory and has no sidecar.
 */
export interface AuditAnchor {
  readonly keyPath: string | null;
  readonly sidecarPath: string | null;
  /** This open created the key (a database that never had checkpoints, or a fresh one). */
  readonly keyCreated: boolean;
  sign(head: AuditHead): SignedAuditHead;
  /** The MAC matches (constant-time compare). */
  verify(head: SignedAuditHead): boolean;
  /** The sidecar's head; `missing` when there is none (or for memory), `error` when unreadable. */
  readSidecar(): { head?: SignedAuditHead; missing?: true; error?: string };
  /**
   * One positional write of a fixed-size record into a file kept open (0600): rewriting or renaming
   * a small file costs milliseconds on ext4 (it flushes on replace), this costs microseconds.
   */
  writeSidecar(head: SignedAuditHead): void;
  close(): void;
}

/** Sidecar record size: the JSON padded with spaces, so each write replaces the whole record in place. */
const SIDECAR_BYTES = 256;

const KEY_BYTES = 32;
const MAC_LABEL = 'passkey-harness/audit-head@1';

export function auditKeyPath(dbPath: string): string {
  return `${dbPath}.audit-key`;
}

export function auditSidecarPath(dbPath: string): string {
  return `${dbPath}.audit-head`;
}

/** Parses `{"id","hash","mac"}`; undefined for anything else. */
export function parseSignedHead(text: string | undefined): SignedAuditHead | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<SignedAuditHead>;
    if (Number.isSafeInteger(v.id) && (v.id as number) > 0 && typeof v.hash === 'string' && /^[0-9a-f]{64}$/.test(v.hash) && typeof v.mac === 'string') {
      return { id: v.id as number, hash: v.hash, mac: v.mac };
    }
  } catch {
    // Falls through: not a head.
  }
  return undefined;
}

export function serializeSignedHead(head: SignedAuditHead): string {
  return JSON.stringify({ id: head.id, hash: head.hash, mac: head.mac });
}

/**
 * The key file is created exclusively (written to a temp file, then hard-linked into place), so two
 * processes opening one fresh database agree on one key and nobody ever reads a half-written one.
 */
function loadOrCreateKey(path: string, random: Random): { key: Uint8Array; created: boolean } {
  const read = (): Uint8Array => {
    const text = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new HarnessError('STORE_FAILED', `audit key file ${path} is malformed (expected 64 hex digits)`);
    // Owner-only, whatever umask or copy made it readable to others.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return Uint8Array.from(Buffer.from(text, 'hex'));
  };
  try {
    return { key: read(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let created = true;
  const temp = `${path}.${process.pid}.${Buffer.from(random.bytes(6)).toString('hex')}.tmp`;
  writeFileSync(temp, `${Buffer.from(random.bytes(KEY_BYTES)).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false;
  } finally {
    unlinkSync(temp);
  }
  return { key: read(), created };
}

function openSidecar(path: string): number {
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
  ftruncateSync(fd, SIDECAR_BYTES);
  return fd;
}

export function openAuditAnchor(dbPath: string, { random = systemRandom }: { random?: Random } = {}): AuditAnchor {
  const memory = dbPath === ':memory:';
  const keyPath = memory ? null : auditKeyPath(dbPath);
  const sidecarPath = memory ? null : auditSidecarPath(dbPath);
  let key: Uint8Array;
  let keyCreated = true;
  try {
    if (keyPath === null) key = random.bytes(KEY_BYTES);
    else ({ key, created: keyCreated } = loadOrCreateKey(keyPath, random));
  } catch (cause) {
    if (cause instanceof HarnessError) throw cause;
    throw new HarnessError('STORE_FAILED', `cannot read or create the audit key ${keyPath}`, { cause });
  }
  let sidecarFd: number | undefined;
  const mac = (head: AuditHead): string => createHmac('sha256', key).update(`${MAC_LABEL}\0${head.id}\0${head.hash}`).digest('hex');
  return {
    keyPath,
    sidecarPath,
    keyCreated,
    sign: (head) => ({ id: head.id, hash: head.hash, mac: mac(head) }),
    verify(head) {
      const expected = Buffer.from(mac(head), 'hex');
      const given = /^[0-9a-f]{64}$/.test(head.mac) ? Buffer.from(head.mac, 'hex') : Buffer.alloc(0);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    readSidecar() {
      if (sidecarPath === null) return { missing: true };
      let text: string;
      try {
        text = readFileSync(sidecarPath, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
        return { error: `cannot read ${sidecarPath}: ${(error as Error).message}` };
      }
      // A record is padded with spaces; a file just extended to record size may still hold NULs.
      const head = parseSignedHead(text.replace(/\0+$/, ''));
      return head ? { head } : { error: `${sidecarPath} is not an audit head` };
    },
    writeSidecar(head) {
      if (sidecarPath === null) return;
      sidecarFd ??= openSidecar(sidecarPath);
      writeSync(sidecarFd, Buffer.from(`${serializeSignedHead(head)}`.padEnd(SIDECAR_BYTES - 1, ' ') + '\n'), 0, SIDECAR_BYTES, 0);
    },
    close() {
      if (sidecarFd !== undefined) closeSync(sidecarFd);
      sidecarFd = undefined;
    },
  };
}
