import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(root, 'cli', 'bin.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** `npm test` builds first; a lone `vitest run test/cli` builds only when dist is missing or stale. */
export function ensureBuilt(): void {
  const entry = join(root, 'dist', 'cli', 'main.js');
  const stale = !existsSync(entry) || statSync(entry).mtimeMs < Math.max(newest(join(root, 'cli')), newest(join(root, 'core')));
  if (stale) execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.cli.json'], { cwd: root, stdio: 'ignore' });
}

/** The suite's low scrypt cost for the spawned CLI (core/harness/testScryptCost.ts; the real default is 2^17). */
const TEST_COST = { PASSKEY_HARNESS_TEST: '1', PASSKEY_HARNESS_SCRYPT_COST: '1024' };

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pkh-cli-'));
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `timeout` (ms, default 120 s): a run that would hang is killed and reports code -1. */
export function cli(args: string[], opts: { home: string; env?: Record<string, string>; cwd?: string; timeout?: number }): Run {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: opts.home, NO_COLOR: '1', ...TEST_COST, ...opts.env },
    timeout: opts.timeout ?? 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function cliAsync(args: string[], opts: { home: string }) {
  return spawn(process.execPath, [bin, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: opts.home, NO_COLOR: '1', ...TEST_COST }, stdio: ['ignore', 'pipe', 'pipe'] });
}
