#!/usr/bin/env node
// `npm ci` (prepare), `npm start` (prestart) and `npx passkey-harness` (npm runs the local package's
// prepare on every npx call) land here: build the CLI (tsc → dist/) and the renderer
// (electron-vite → out/) only when a source is newer than the last successful build, so a fresh
// clone gets both and an up-to-date tree pays one directory walk (~20 ms), not a rebuild.
// Usage: node cli/buildIfStale.mjs [cli] [renderer]   (default: both)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Newest mtime under the given paths (files or folders; node_modules and build output skipped). */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    // A folder's own mtime counts too: deleting or renaming a source changes it.
    latest = Math.max(latest, stat.mtimeMs);
    if (!stat.isDirectory()) return;
    for (const entry of readdirSync(path)) {
      if (entry === 'node_modules' || entry === 'dist' || entry === 'out' || entry.startsWith('.')) continue;
      visit(join(path, entry));
    }
  };
  for (const path of paths) visit(join(root, path));
  return latest;
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : -1);

const targets = [
  {
    name: 'cli',
    what: 'the CLI (tsc -p tsconfig.cli.json → dist/)',
    inputs: ['cli', 'core', 'tsconfig.json', 'tsconfig.cli.json', 'package.json'],
    stamp: join(root, 'dist', '.build-stamp'),
    // What `npm run build` leaves behind counts as a build too.
    artifact: join(root, 'dist', '.tsbuildinfo'),
    tool: () => [require.resolve('typescript/bin/tsc'), ['-p', 'tsconfig.cli.json']],
  },
  {
    name: 'renderer',
    // The CLI works without the pages: a failed page build warns (the server then says how to build them) instead of failing the install or npx.
    optional: true,
    what: 'the console and customer pages (electron-vite build → out/)',
    // The renderer bundles browser-safe modules of core/, so core counts too.
    inputs: ['renderer', 'electron', 'core', 'electron.vite.config.ts', 'package.json'],
    stamp: join(root, 'out', '.build-stamp'),
    artifact: join(root, 'out', 'renderer', 'console', 'index.html'),
    tool: () => [join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'), ['build']],
  },
];

const wanted = process.argv.slice(2);
let failed = false;
for (const target of targets) {
  if (wanted.length > 0 && !wanted.includes(target.name)) continue;
  if (Math.max(mtime(target.stamp), mtime(target.artifact)) >= newest(target.inputs)) continue;
  let command;
  try {
    command = target.tool();
  } catch {
    // A production install (--omit=dev) has no build tools; the published package ships dist/ and out/.
    process.stderr.write(`passkey-harness: cannot build ${target.what}: its build tool is not installed (npm install without --omit=dev)\n`);
    if (!target.optional) failed = true;
    continue;
  }
  process.stderr.write(`passkey-harness: building ${target.what} …\n`);
  const started = Date.now();
  // The tools' own logs are shown only when they fail: stdout stays clean for `npx passkey-harness … --json`.
  // The Electron binary cannot be downloaded everywhere and the build does not need it.
  const [tool, args] = command;
  const result = spawnSync(process.execPath, [tool, ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    process.stderr.write(`passkey-harness: building ${target.name} failed (exit ${result.status ?? result.signal})${target.optional ? '; the CLI works, the server cannot show the pages until `npm run build` succeeds' : ''}\n`);
    if (!target.optional) failed = true;
    continue;
  }
  mkdirSync(dirname(target.stamp), { recursive: true });
  writeFileSync(target.stamp, `${new Date(started).toISOString()}\n`);
  // Stamped with the start time: a source saved during the build is still newer than the stamp.
  utimesSync(target.stamp, started / 1000, started / 1000);
  process.stderr.write(`passkey-harness: built ${target.name} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
process.exitCode = failed ? 1 : 0;
