import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HarnessError } from '../errors.js';
import { makeDirs } from '../makeDirs.js';
import { BROKEN_BLOBS, isAuthenticatorStatus, type BrokenBlob, type StatusReport } from './types.js';

/** What the local MDS remembers between processes: serial number, status reports, what it serves. */
export interface MdsStateData {
  format: 'passkey-harness/mds@1';
  /** BLOB serial number (MDS3 `no`), bumped on every change. */
  no: number;
  /** Status reports per AAGUID, oldest first (appended by setStatus). */
  reports: Record<string, StatusReport[]>;
  /** When set, GET /mds/blob and the harness RP get this broken BLOB instead of the good one. */
  serving: BrokenBlob | null;
}

export interface MdsStateStore {
  read(): MdsStateData | undefined;
  write(data: MdsStateData): void;
}

const FORMAT = 'passkey-harness/mds@1';

function check(data: unknown, where: string): MdsStateData {
  const d = data as MdsStateData;
  const ok =
    d?.format === FORMAT &&
    Number.isInteger(d.no) &&
    d.no >= 0 &&
    typeof d.reports === 'object' &&
    d.reports !== null &&
    Object.values(d.reports).every((list) => Array.isArray(list) && list.every((r) => isAuthenticatorStatus(r?.status))) &&
    (d.serving === null || (BROKEN_BLOBS as readonly string[]).includes(d.serving));
  if (!ok) throw new HarnessError('CONFIG_INVALID', `${where} is not a ${FORMAT} file`);
  return d;
}

/** JSON file beside the vault (written by rename, so a reader never sees half a file). */
export function fileMdsState(path: string): MdsStateStore {
  return {
    read() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new HarnessError('CONFIG_INVALID', `cannot read ${path}`, { cause: error });
      }
      try {
        return check(JSON.parse(text), path);
      } catch (cause) {
        if (cause instanceof HarnessError) throw cause;
        throw new HarnessError('CONFIG_INVALID', `${path} is not JSON`, { cause });
      }
    },
    write(data) {
      makeDirs(dirname(path));
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
      renameSync(tmp, path);
    },
  };
}

export function memoryMdsState(): MdsStateStore {
  let data: MdsStateData | undefined;
  return {
    read: () => (data ? structuredClone(data) : undefined),
    write: (next) => void (data = structuredClone(next)),
  };
}
