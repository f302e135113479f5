import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * test/hardening/serverChild.ts (core/rp + core/http over one SQLite file) bundled with esbuild, so a
 * child starts in a fraction of tsx's time. Inside the repo, so the bundle's require('better-sqlite3')
 * resolves from node_modules; `name` keeps test files that run at once from writing one bundle.
 */
export async function bundleServerChild(name: string): Promise<string> {
  const bundle = join(here, '..', '..', 'node_modules', '.cache', 'pkh-hardening', `${name}.mjs`);
  mkdirSync(dirname(bundle), { recursive: true });
  await build({
    entryPoints: [join(here, 'serverChild.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'error',
  });
  return bundle;
}

/** One server process on `db` at `port`, accepting `origins`; resolves once it prints LISTENING (no sleeps). */
export function startServerChild(bundle: string, db: string, port: number, origins: string[], children: ChildProcess[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, db, String(port), origins.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      if (out.includes('LISTENING\n')) resolve();
    });
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}
