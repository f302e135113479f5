/**
 * Lever by lever: the in-process enrol + login rate and CPU time of several source trees in ONE
 * process, in interleaved rounds (best round of each), so a noisy neighbour skews every tree alike.
 * Each tree is a checkout of the project (its own core/ and test/bench/inProcess.ts; node_modules
 * may be a symlink), built with `npm run build:cli` (inProcess.ts runs its dist/). Not part of `npm run bench`; used to record what each lever bought
 * (docs/PERFORMANCE.md):
 *
 *   node --import tsx test/bench/compareTrees.ts /tmp/trees/t0 /tmp/trees/t1 …
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dirs = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const rounds = Number(process.env.ROUNDS ?? 3);
const count = Number(process.env.COUNT ?? 200);
if (dirs.length === 0) {
  console.error('usage: compareTrees.ts <tree> [<tree> …]');
  process.exit(2);
}
/** One measurement: wall rate and CPU time (all threads of this process) per enrol + login. CPU time is what a busy neighbour disturbs least. */
type Measure = (n: number) => Promise<{ rate: number; cpuUs: number }>;
const measures: Measure[] = [];
for (const dir of dirs) {
  const mod = (await import(pathToFileURL(resolve(dir, 'test/bench/inProcess.ts')).href)) as typeof import('./inProcess.js');
  measures.push(async (n) => {
    const fx = await mod.inProcessRp();
    try {
      for (const u of await fx.prepare(30)) {
        await fx.enrol(u);
        await fx.login(u);
      }
      const users = await fx.prepare(n);
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (const u of users) {
        await fx.enrol(u);
        await fx.login(u);
      }
      const wall = performance.now() - start;
      const used = process.cpuUsage(cpu);
      return { rate: (n * 1000) / wall, cpuUs: (used.user + used.system) / n };
    } finally {
      fx.close();
    }
  });
}
const best = dirs.map(() => ({ rate: 0, cpuUs: Infinity }));
for (let round = 0; round < rounds; round++) {
  for (const [i, measure] of measures.entries()) {
    const m = await measure(count);
    best[i] = { rate: Math.max(best[i]!.rate, m.rate), cpuUs: Math.min(best[i]!.cpuUs, m.cpuUs) };
  }
}
console.log(`best of ${rounds} interleaved rounds, ${count} enrol+logins each`);
console.log('tree  enrol+login/s (wall)  ÷ first  CPU µs per enrol+login  first ÷ this');
dirs.forEach((dir, i) =>
  console.log(`${dir}  ${best[i]!.rate.toFixed(0)}  ${(best[i]!.rate / best[0]!.rate).toFixed(2)}×  ${best[i]!.cpuUs.toFixed(0)}  ${(best[0]!.cpuUs / best[i]!.cpuUs).toFixed(2)}×`),
);
