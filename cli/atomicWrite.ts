import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from './cliError.js';

export interface WriteFileAtomicOptions {
  /** Permission bits of the result. Default: the replaced file's, else 0o666 less the umask (as `writeFileSync`). */
  mode?: number;
  /** What the file holds, for the error message (`cannot write the report to …`). */
  what?: string;
  /** Refuse a symbolic link at `path` instead of replacing its target (files holding secrets). */
  noFollow?: boolean;
}

/**
 * Writes a file the user named (`--output report.xml`) so that a reader sees the old file or the
 * whole new one, never a truncated one: a fresh temp file beside it (same file system, so the rename
 * is atomic), written and fsync'd, then renamed over it. On failure the temp file is removed, the old
 * file is untouched, and the error is USAGE naming the file the user gave (never the temp file). A symlink is followed (its target is
 * replaced, the link kept); a FIFO or device (`--output /dev/stdout`) cannot be replaced, so it is
 * written in place.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, { mode, what = path, noFollow = false }: WriteFileAtomicOptions = {}): void {
  const fail = (error: unknown): never => {
    // Node's `ENOSPC: no space left on device, write` (or `…, open '<the temp file>'`) said as
    // `ENOSPC: cannot write the report to report.xml: no space left on device`: the path the user gave.
    const text = error instanceof Error ? error.message : String(error);
    const system = /^(E[A-Z]+): ([^,]+)/.exec(text);
    const target = what === path ? path : `${what} to ${path}`;
    throw new CliError('USAGE', system ? `${system[1]}: cannot write ${target}: ${system[2]}` : `cannot write ${target}: ${text}`);
  };
  let existing;
  try {
    existing = noFollow ? lstatSync(path) : statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(error);
  }
  if (existing?.isSymbolicLink()) throw new CliError('USAGE', `${path} is a symbolic link; give the file itself`);
  if (existing && !existing.isFile()) {
    try {
      writeFileSync(path, data);
    } catch (error) {
      fail(error);
    }
    return;
  }
  let target = path;
  try {
    if (existing) target = realpathSync(path);
  } catch (error) {
    fail(error);
  }
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    // 'wx': O_EXCL, so a planted file or symlink at the temp name is never written through.
    fd = openSync(temp, 'wx', mode ?? 0o666);
    const keep = mode ?? (existing ? existing.mode & 0o7777 : undefined);
    if (keep !== undefined) fchmodSync(fd, keep);
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    for (const clean of [() => fd !== undefined && closeSync(fd), () => unlinkSync(temp)]) {
      try {
        clean();
      } catch {
        // Never opened or never created: nothing to clean.
      }
    }
    fail(error);
  }
}
