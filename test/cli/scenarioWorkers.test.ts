import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, root } from './support.js';

// The worker pool runs only compiled (dist/), as `pkh scenario run --concurrency N` does: each
// worker holds two jobs at once and streams steps only when asked. Results must keep input order,
// match an inline run of the same seed, and every step must reach onStep tagged with its own run.
type Runner = typeof import('../../core/scenario/runScenarios.js');
type Loader = typeof import('../../core/scenario/validateScenarios.js');
let runner: Runner;
let loader: Loader;

beforeAll(async () => {
  ensureBuilt();
  runner = (await import(pathToFileURL(join(root, 'dist', 'core', 'scenario', 'runScenarios.js')).href)) as Runner;
  loader = (await import(pathToFileURL(join(root, 'dist', 'core', 'scenario', 'validateScenarios.js')).href)) as Loader;
}, 180_000);
afterAll(async () => {
  await runner?.closeScenarioWorkers();
});

const scenario = (name: string, user: string, extra = '') => `name: ${name}
steps:
  - do: createUser
    user: ${user}
  - do: createPhone
    phone: p
  - do: enroll
    user: ${user}
    phone: p
${extra}`;

it('workers: input order, the inline verdicts, and every step tagged with its own run', async () => {
  const scenarios = loader.loadScenarios([
    { name: 'a.yaml', text: scenario('a', 'alice') },
    { name: 'b.yaml', text: scenario('b', 'bob', '  - name: must fail\n    do: login\n    user: bob\n    expect: { error: LOGIN_FAILED }\n') },
    { name: 'c.yaml', text: scenario('c', 'carol', '  - do: loginWithPasskey\n    user: carol\n    phone: p\n') },
  ]);
  const steps = new Map<string, number[]>();
  const inWorkers = await runner.runScenarios({
    scenarios,
    seed: 'pool',
    repeat: 3,
    concurrency: 2,
    mode: 'workers',
    onStep: (where, step) => {
      const key = `${where.file}#${where.iteration}`;
      steps.set(key, [...(steps.get(key) ?? []), step.index]);
    },
  });
  const inline = await runner.runScenarios({ scenarios, seed: 'pool', repeat: 3, mode: 'inline' });
  const shape = (r: typeof inline) => r.results.map((x) => ({ file: x.file, iteration: x.iteration, status: x.status, steps: x.steps.map((s) => s.status), failure: x.failure?.step ?? null }));
  expect(shape(inWorkers)).toEqual(shape(inline));
  expect(shape(inWorkers).map((x) => `${x.file}#${x.iteration}`)).toEqual(['a.yaml#1', 'b.yaml#1', 'c.yaml#1', 'a.yaml#2', 'b.yaml#2', 'c.yaml#2', 'a.yaml#3', 'b.yaml#3', 'c.yaml#3']);
  expect(inWorkers.failed).toBe(3);
  for (const result of inWorkers.results) {
    expect(steps.get(`${result.file}#${result.iteration}`), `${result.file}#${result.iteration}`).toEqual(result.steps.map((s) => s.index));
  }
  // Without onStep the run is the same; the pool is reused.
  const quiet = await runner.runScenarios({ scenarios, seed: 'pool', repeat: 3, concurrency: 2, mode: 'workers' });
  expect(shape(quiet)).toEqual(shape(inline));
}, 180_000);
