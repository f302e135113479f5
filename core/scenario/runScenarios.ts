import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { HarnessError } from '../errors.js';
import { systemRandom } from '../random.js';
import { toBase64url } from '../webauthn/index.js';
import { MAX_CONCURRENCY, MAX_REPEAT } from './limits.js';
import type { RunReport, ScenarioResult, StepResult } from './report.js';
import { runScenario, scenarioSeed } from './runScenario.js';
import { acquireWorker, releaseWorker } from './workerPool.js';
import type { WorkerJob } from './worker.js';
import type { LoadedScenario } from './validateScenarios.js';

export { closeScenarioWorkers } from './workerPool.js';

export interface RunScenariosOptions {
  scenarios: LoadedScenario[];
  /** Default: a fresh random seed, reported so the run can be replayed with `--seed`. */
  seed?: string;
  repeat?: number;
  concurrency?: number;
  rpId?: string;
  /** Called after each scenario finishes (the CLI prints progress on stderr). */
  onProgress?: (done: number, total: number, result: ScenarioResult) => void;
  /** Called as each step of a run settles, before its scenario finishes (the console's live rows). */
  onStep?: (where: { file: string; scenario: string; iteration: number }, step: StepResult) => void;
  /** `'auto'` uses worker threads for concurrency > 1 when running compiled JS; `'inline'` interleaves on one thread. */
  mode?: 'auto' | 'inline' | 'workers';
}

interface Job {
  index: number;
  file: string;
  scenario: LoadedScenario['scenario'];
  iteration: number;
}

const where = (job: Job) => ({ file: job.file, scenario: job.scenario.name, iteration: job.iteration });

const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));
/** Jobs a worker holds at once (one running, one queued behind it). */
const IN_FLIGHT = 2;

/**
 * A job whose worker died under it: failed, INTERNAL (a harness fault, not the scenario's verdict),
 * naming the scenario. Which step was running is unknown, so no step is named (`index` 0).
 */
function lostResult(job: Job, seed: string, why: string): ScenarioResult {
  const run = `"${job.scenario.name}" (${job.file}${job.iteration > 1 ? ` #${job.iteration}` : ''})`;
  return {
    name: job.scenario.name,
    file: job.file,
    iteration: job.iteration,
    seed: scenarioSeed(job.scenario, seed, job.file, job.iteration),
    status: 'failed',
    durationMs: 0,
    steps: [],
    failure: { step: '(worker thread)', index: 0, code: 'INTERNAL', message: `scenario ${run} did not finish: ${why}` },
  };
}

function bounded(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new HarnessError('INVALID_INPUT', `${name} must be an integer from 1 to ${max}, got ${String(value)}`);
  return value;
}

/**
 * Runs scenarios × repeat. Each run is independent (own database, clock and random), so runs
 * go in parallel: on worker threads when compiled (real parallelism on several cores), or
 * interleaved on this thread otherwise. Results keep input order whatever finishes first.
 */
export async function runScenarios({ scenarios, seed = toBase64url(systemRandom.bytes(9)), repeat = 1, concurrency = 1, rpId, onProgress, onStep, mode = 'auto' }: RunScenariosOptions): Promise<RunReport> {
  // Checked before anything is allocated: `--repeat 99999999999` was a fatal out-of-memory, not an error.
  bounded('repeat', repeat, MAX_REPEAT);
  bounded('concurrency', concurrency, MAX_CONCURRENCY);
  const started = performance.now();
  const jobs: Job[] = [];
  for (let iteration = 1; iteration <= repeat; iteration++) {
    for (const { file, scenario } of scenarios) jobs.push({ index: jobs.length, file, scenario, iteration });
  }
  const results: ScenarioResult[] = new Array(jobs.length);
  let done = 0;
  const finish = (job: Job, result: ScenarioResult) => {
    results[job.index] = result;
    onProgress?.(++done, jobs.length, result);
  };
  const useWorkers = concurrency > 1 && (mode === 'workers' || (mode === 'auto' && workerFile.endsWith('.js') && existsSync(workerFile)));
  const lanes = Math.max(1, Math.min(concurrency, jobs.length));
  let next = 0;
  if (useWorkers) {
    /**
     * Each worker holds up to IN_FLIGHT jobs, so it starts the next scenario while this thread is
     * still taking the last result (one job at a time left a worker idle for every round trip).
     * Resolves with the jobs still in flight when the worker dies ('exit', with or without an
     * 'error' first: process.exit, terminate() and some crashes emit only 'exit').
     */
    const runOnWorker = (worker: Worker): Promise<{ lost: Job[]; why: string } | undefined> =>
      new Promise((resolve) => {
        const inFlight = new Map<number, Job>();
        let crash: unknown;
        const stop = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        const feed = () => {
          while (inFlight.size < IN_FLIGHT && next < jobs.length) {
            const job = jobs[next++]!;
            inFlight.set(job.index, job);
            const message: WorkerJob = { index: job.index, file: job.file, scenario: job.scenario, iteration: job.iteration, seed, ...(rpId === undefined ? {} : { rpId }), steps: onStep !== undefined };
            worker.postMessage(message);
          }
          if (inFlight.size === 0) {
            stop();
            resolve(undefined);
          }
        };
        const onMessage = (message: { type: 'step'; index: number; step: StepResult } | { type: 'result'; index: number; result: ScenarioResult }) => {
          const job = inFlight.get(message.index);
          if (!job) return;
          if (message.type === 'step') return onStep?.(where(job), message.step);
          inFlight.delete(message.index);
          finish(job, message.result);
          feed();
        };
        const onError = (error: unknown) => {
          crash = error;
        };
        const onExit = (exitCode: number) => {
          stop();
          const detail = crash instanceof Error ? crash.message : String(crash);
          resolve({ lost: [...inFlight.values()], why: crash === undefined ? `its worker thread exited (code ${exitCode})` : `its worker thread crashed: ${detail}` });
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        feed();
      });
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        // A dead worker fails only the scenarios it held; the lane goes on with a fresh one.
        while (next < jobs.length) {
          const worker = acquireWorker(workerFile);
          const died = await runOnWorker(worker);
          if (!died) releaseWorker(worker);
          else for (const job of died.lost) finish(job, lostResult(job, seed, died.why));
        }
      }),
    );
  } else {
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          finish(job, await runScenario({ scenario: job.scenario, file: job.file, iteration: job.iteration, seed, rpId, onStep: (step) => onStep?.(where(job), step) }));
        }
      }),
    );
  }
  const passed = results.filter((r) => r.status === 'passed').length;
  return { seed, total: results.length, passed, failed: results.length - passed, durationMs: performance.now() - started, results };
}
