import { cpSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from './support.js';

// Workers that die under the pool. The compiled core is copied to a temp folder whose worker.js
// wraps the real one and dies on cue, so production code carries no test hook: a scenario named
// "exits" ends its thread with process.exit (an 'exit' without an 'error'), one named "throws"
// crashes it ('error', then 'exit'), and a `{ die: true }` message crashes an idle worker.
type Runner = typeof import('../../core/scenario/runScenarios.js');
type Loader = typeof import('../../core/scenario/validateScenarios.js');
let runner: Runner;
let loader: Loader;

const fixtureWorker = `import { parentPort } from 'node:worker_threads';
import './realWorker.js';
parentPort.on('message', (job) => {
  if (job.scenario?.name === 'exits') process.exit(3);
  if (job.scenario?.name === 'throws' || job.die) throw new Error('boom');
});
`;

beforeAll(async () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'pkh-workers-'));
  cpSync(join(root, 'dist', 'core'), join(dir, 'core'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  renameSync(join(dir, 'core', 'scenario', 'worker.js'), join(dir, 'core', 'scenario', 'realWorker.js'));
  writeFileSync(join(dir, 'core', 'scenario', 'worker.js'), fixtureWorker);
  runner = (await import(pathToFileURL(join(dir, 'core', 'scenario', 'runScenarios.js')).href)) as Runner;
  loader = (await import(pathToFileURL(join(dir, 'core', 'scenario', 'validateScenarios.js')).href)) as Loader;
}, 180_000);
afterAll(async () => {
  await runner?.closeScenarioWorkers();
});

const scenarios = (...names: string[]) => loader.loadScenarios(names.map((name) => ({ name: `${name}.yaml`, text: `name: ${name}\nsteps:\n  - do: createUser\n    user: u\n  - do: check\n` })));

/** Workers the pool starts from now on (Node announces each on `process`). */
function watchWorkers(): { workers: Worker[]; stop: () => void } {
  const workers: Worker[] = [];
  const add = (worker: Worker) => workers.push(worker);
  process.on('worker', add);
  return { workers, stop: () => process.off('worker', add) };
}

const exited = (worker: Worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve()));

describe('scenario worker pool: a worker that dies', () => {
  for (const [name, why] of [
    ['exits', 'its worker thread exited (code 3)'],
    ['throws', 'its worker thread crashed: boom'],
  ] as const) {
    it(`${name === 'exits' ? 'by process.exit (no error event)' : 'by an uncaught exception'} fails the scenarios it held, naming them; the rest run on a fresh worker and the run ends`, async () => {
      const run = await runner.runScenarios({ scenarios: scenarios(name, 'a', 'b', 'c', 'd', 'e', 'f'), seed: 's', concurrency: 2, mode: 'workers' });
      expect(run.total).toBe(7);
      expect(run.results.map((r) => r.name)).toEqual([name, 'a', 'b', 'c', 'd', 'e', 'f']);
      expect(run.results[0]).toMatchObject({
        status: 'failed',
        steps: [],
        failure: { code: 'INTERNAL', index: 0, message: `scenario "${name}" (${name}.yaml) did not finish: ${why}` },
      });
      // Only what was in flight on that worker is lost; the scenarios fed after it all ran.
      for (const result of run.results.slice(1)) {
        if (result.status === 'failed') expect(result.failure?.message).toBe(`scenario "${result.name}" (${result.file}) did not finish: ${why}`);
      }
      expect(run.results.slice(3).map((r) => r.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
      expect(run.failed).toBe(run.results.filter((r) => r.status === 'failed').length);
    }, 120_000);
  }

  it('an idle pooled worker that was terminated or crashed is not handed to the next run', async () => {
    for (const kill of [(w: Worker) => void w.terminate(), (w: Worker) => w.postMessage({ die: true })]) {
      await runner.closeScenarioWorkers();
      const watch = watchWorkers();
      const first = await runner.runScenarios({ scenarios: scenarios('a', 'b', 'c'), seed: 's', concurrency: 2, mode: 'workers' });
      watch.stop();
      expect(first.failed).toBe(0);
      expect(watch.workers.length).toBeGreaterThan(0);
      // Every worker of that run now sits idle in the pool. Its crash must be heard (an 'error' nobody
      // listens to is thrown in the host: the console, `pkh serve`); kill each and wait until it is gone.
      for (const worker of watch.workers) expect(worker.listenerCount('error')).toBeGreaterThan(0);
      await Promise.all(
        watch.workers.map((worker) => {
          const gone = exited(worker);
          kill(worker);
          return gone;
        }),
      );
      // Reused, a dead worker drops every message posted to it: this run never ended.
      const second = await runner.runScenarios({ scenarios: scenarios('d', 'e', 'f'), seed: 's', concurrency: 2, mode: 'workers' });
      expect(second.results.map((r) => `${r.name} ${r.status}`)).toEqual(['d passed', 'e passed', 'f passed']);
    }
  }, 120_000);
});
