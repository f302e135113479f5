import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Section } from '../section.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `npx passkey-harness --help` beside `node -e 0` (issue 12: 5.3 s against 0.23 s for the CLI itself).
 *
 * Where the time goes under npx (npm 11, libnpmexec): when the current folder's own package.json
 * has a bin of that name, npm installs that folder into its npx cache (~/.npm/_npx/<hash>) and
 * loads the project's whole node_modules tree with arborist on every call; the first call in a
 * checkout also runs the project's `prepare` (was `tsc -p tsconfig.cli.json`, a full type-check:
 * seconds even when nothing changed; now cli/buildIfStale.mjs, a directory walk when the build
 * is current). In a project that depends on passkey-harness, npx finds node_modules/.bin/passkey-harness
 * and only npm's own start-up is added. So the rows: node's floor, the CLI itself, npm's floor
 * (`npx --version`), npx in a consumer project, npx inside this repository.
 */
export async function run(): Promise<Section> {
  const consumer = mkdtempSync(join(tmpdir(), 'pkh-npx-consumer-'));
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { 'passkey-harness': `file:${root}` } }));
  mkdirSync(join(consumer, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(root, join(consumer, 'node_modules', 'passkey-harness'), 'dir');
  symlinkSync(join('..', 'passkey-harness', 'cli', 'bin.js'), join(consumer, 'node_modules', '.bin', 'passkey-harness'));
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false' };
  const commands: { label: string; command: string; args: string[]; cwd: string }[] = [
    { label: 'node -e 0', command: process.execPath, args: ['-e', '0'], cwd: root },
    { label: 'node cli/bin.js --help', command: process.execPath, args: [join(root, 'cli', 'bin.js'), '--help'], cwd: root },
    { label: 'npx --version (npm start-up)', command: 'npx', args: ['--version'], cwd: root },
    { label: 'npx passkey-harness --help (a project depending on it)', command: 'npx', args: ['passkey-harness', '--help'], cwd: consumer },
    { label: 'npx passkey-harness --help (in this repository)', command: 'npx', args: ['passkey-harness', '--help'], cwd: root },
  ];
  const wallMs = ({ command, args, cwd, label }: (typeof commands)[number]) => {
    const start = performance.now();
    const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    const elapsed = performance.now() - start;
    if (result.status !== 0) throw new Error(`${label} exited ${result.status}: ${result.stderr.slice(-400)}`);
    if (label.includes('--help') && !result.stdout.includes('Usage: passkey-harness')) throw new Error(`${label} did not print the help`);
    return elapsed;
  };
  try {
    // One warm-up each: the repository's first npx call installs it into the npx cache and runs prepare.
    for (const c of commands) wallMs(c);
    const rounds = 5;
    const samples = commands.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) commands.forEach((c, i) => samples[i]!.push(wallMs(c)));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const medians = samples.map(median);
    const floor = medians[0]!;
    const target = 3 * floor;
    return {
      title: 'npx passkey-harness start-up',
      columns: ['what', 'wall ms (median)', '× node -e 0', 'within 3×'],
      rows: commands.map((c, i) => [c.label, medians[i]!.toFixed(0), (medians[i]! / floor).toFixed(1), i === 0 ? '-' : medians[i]! <= target ? 'yes' : 'no']),
      notes: [
        `${rounds} interleaved rounds after one warm-up; target: npx passkey-harness --help within 3× node -e 0 (${target.toFixed(0)} ms here).`,
        'npm itself (npx --version) already costs more than 3× node -e 0 on this machine: no npx invocation can meet the target; the repository row adds',
        "npm's arborist load of this project's node_modules (npm exec of a folder's own bin). The CLI's own part is the node cli/bin.js row.",
      ],
    };
  } finally {
    rmSync(consumer, { recursive: true, force: true });
  }
}
