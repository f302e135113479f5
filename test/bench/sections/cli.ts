import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
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
 * CLI cold start beside `node -e 0` in the same run (interleaved rounds, medians). The scenario
 * runner's throughput is the runner section.
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

  return {
    title: 'CLI',
    columns: ['what', 'wall ms (median)', 'over node -e 0 / throughput'],
    rows,
    notes: [
      `${rounds} interleaved rounds per command; --help loads only commander (core is imported lazily by each command).`,
      'The scenario runner has its own section (runner).',
    ],
  };
}
