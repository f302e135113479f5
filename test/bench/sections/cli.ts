import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Section } from '../section.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'cli', 'bin.js');
const oneEnrolment = join(root, 'examples', 'scenarios', '01-email-step-up-happy.yaml');

function wallMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, stdio: 'ignore' });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return elapsed;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * CLI cold start beside `node -e 0` in the same run (interleaved rounds, medians), and the
 * scenario runner's throughput at concurrency 1 and 2 (worker threads, compiled runner).
 */
export async function run(): Promise<Section> {
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['pkh --help', [bin, '--help']],
    ['pkh scenario run (one enrolment)', [bin, 'scenario', 'run', oneEnrolment, '--seed', 'bench']],
  ];
  const rounds = 5;
  const samples = commands.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) commands.forEach(([, args], i) => samples[i]!.push(wallMs(args)));
  const baseline = median(samples[0]!);
  const rows: (string | number)[][] = commands.map(([label], i) => {
    const m = median(samples[i]!);
    return [label, m.toFixed(0), (m - baseline).toFixed(0)];
  });

  const runner = (await import(pathToFileURL(join(root, 'dist', 'core', 'scenario', 'runScenarios.js')).href)) as typeof import('../../../core/scenario/runScenarios.js');
  const loader = (await import(pathToFileURL(join(root, 'dist', 'core', 'scenario', 'validateScenarios.js')).href)) as typeof import('../../../core/scenario/validateScenarios.js');
  const dir = join(root, 'examples', 'scenarios');
  const scenarios = loader.loadScenarios(
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') })),
  );
  for (const concurrency of [1, 2]) {
    const report = await runner.runScenarios({ scenarios, seed: 'bench', concurrency, mode: concurrency > 1 ? 'workers' : 'inline' });
    if (report.failed) throw new Error(`${report.failed} scenario(s) failed during the bench`);
    rows.push([`runner, concurrency ${concurrency} (${report.total} scenarios)`, report.durationMs.toFixed(0), `${((report.total * 1000) / report.durationMs).toFixed(2)} scenarios/s`]);
  }
  return {
    title: 'CLI and scenario runner',
    columns: ['what', 'wall ms (median)', 'over node -e 0 / throughput'],
    rows,
    notes: [
      `${rounds} interleaved rounds per command; --help loads only commander (core is imported lazily by each command).`,
      'Concurrency 2 uses worker threads; on a shared 2-core machine the gain depends on what else is running.',
    ],
  };
}
