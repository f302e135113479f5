import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helper without types
import { ensureNode24 } from '../../support/ensureNode24.mjs';
import { CONTRACT_CASE_NAMES, runStoreContract, type ContractResult } from './storeContract.js';

const here = dirname(fileURLToPath(import.meta.url));

function assertAll(results: ContractResult[]): void {
  expect(results.map((r) => r.name)).toEqual(CONTRACT_CASE_NAMES);
  const failed = results.filter((r) => !r.ok);
  expect(failed, failed.map((f) => `${f.name}: ${f.error}`).join('\n\n')).toEqual([]);
}

describe('store contract: better-sqlite3 (Node 20, in process)', () => {
  it('passes every case', () => assertAll(runStoreContract('better-sqlite3')));
});

describe('store contract: node:sqlite (Node 24 from the npm registry)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkh-node24-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every case', async () => {
    // No silent skip: when Node 24 cannot be installed this throws with the npm error.
    const node24 = ensureNode24() as string;
    const outfile = join(dir, 'contract.mjs');
    // Node 24's type stripping does not map our NodeNext `.js` imports to `.ts`, so bundle once with esbuild.
    await build({
      entryPoints: [join(here, 'node24Contract.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outfile,
      external: ['better-sqlite3'],
      logLevel: 'silent',
    });
    const stdout = execFileSync(node24, ['--no-warnings', outfile], { encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(stdout) as { node: string; results: ContractResult[] };
    expect(report.node.startsWith('24.')).toBe(true);
    assertAll(report.results);
  }, 240_000);
});
