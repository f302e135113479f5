/**
 * Lever by lever: the in-process enrol + login rate of several source trees in ONE process, in
 * interleaved rounds (best round of each), so a noisy neighbour skews every tree alike.
 * Each tree is a checkout of the project (its own core/ and test/bench/inProcess.ts; node_modules
 * may be a symlink). Not part of `npm run bench`; used to record what each lever bought
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
const rates: ((n: number) => Promise<number>)[] = [];
for (const dir of dirs) {
  const mod = (await import(pathToFileURL(resolve(dir, 'test/bench/inProcess.ts')).href)) as typeof import('./inProcess.js');
  rates.push((n) => mod.inProcessEnrolLoginRate(n));
}
const best = dirs.map(() => 0);
for (let round = 0; round < rounds; round++) {
  for (const [i, rate] of rates.entries()) best[i] = Math.max(best[i]!, await rate(count));
}
console.log(`tree  enrol+login/s  ÷ first   (best of ${rounds} interleaved rounds, ${count} each)`);
dirs.forEach((dir, i) => console.log(`${dir}  ${best[i]!.toFixed(0)}  ${(best[i]! / best[0]!).toFixed(2)}×`));
