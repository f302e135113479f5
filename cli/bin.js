#!/usr/bin/env node
// Launcher for `passkey-harness` / `pkh`: loads the compiled CLI (npm run build:cli → dist/).
// Only commander is loaded for --help; commands import core lazily.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('INTERNAL: the CLI is not built; run `npm run build:cli` (tsc -p tsconfig.cli.json) first\n');
  process.exit(70);
}
// `pkh … | head` closes the pipe early: stop quietly, as other Unix tools do, instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv);
