/**
 * `npm run bench` entry: runs every section in test/bench/sections/ (each file exports
 * `run(): Promise<Section>`) and prints one table per section. Pass section names to run only
 * those: `npm run bench -- authenticator`.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SectionRunner } from './section.js';
import { formatSection } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const sectionsDir = join(here, 'sections');

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const files = readdirSync(sectionsDir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const selected = files.filter((f) => wanted.length === 0 || wanted.includes(basename(f).replace(/\.(ts|js)$/, '')));
  if (selected.length === 0) {
    console.error(`no bench section matches ${wanted.join(', ')}; available: ${files.map((f) => f.replace(/\.(ts|js)$/, '')).join(', ')}`);
    return 2;
  }
  console.log(`passkey-harness bench · node ${process.versions.node} · ${new Date().toISOString()}\n`);
  let failed = 0;
  for (const file of selected) {
    const mod = (await import(pathToFileURL(join(sectionsDir, file)).href)) as { run?: SectionRunner };
    if (typeof mod.run !== 'function') {
      console.error(`${file}: does not export run()`);
      failed++;
      continue;
    }
    try {
      console.log(formatSection(await mod.run()));
      console.log('');
    } catch (error) {
      console.error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
