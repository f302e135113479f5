import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * `mkdir -p dir`, one level at a time. Node's `mkdirSync(dir, { recursive: true })` spins forever
 * where a folder exists but answers ENOENT for a new child (procfs: `/proc/x/y`): it reads ENOENT as
 * "parent missing", finds the parent there (EEXIST) and retries. Here the first level that cannot be
 * made throws Node's own error for it (`ENOENT: …, mkdir '/proc/x'`), which names the path.
 */
export function makeDirs(dir: string, options?: { mode?: number }): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !isDirectory(at); ) {
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const at of missing.reverse()) {
    try {
      mkdirSync(at, options);
    } catch (error) {
      // Made by another process meanwhile: fine. A file, a dangling link or procfs in the way is final.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(at)) throw error;
    }
  }
}
