import { Worker } from 'node:worker_threads';

/**
 * Persistent worker pool, shared by every run in this process. Starting a worker costs an import of
 * the whole core (hundreds of ms, more than a whole 28-scenario run at concurrency 1), so workers
 * outlive a run: idle ones are unref'd (they never keep the process alive) and reused by the next run
 * (the console and `pkh serve` run scenarios again and again). A worker that dies is dropped.
 */
const idleWorkers: Worker[] = [];

function dropIdle(worker: Worker): void {
  const at = idleWorkers.indexOf(worker);
  if (at >= 0) idleWorkers.splice(at, 1);
}

function startWorker(file: string): Worker {
  const worker = new Worker(file);
  // An idle worker that dies (terminated, or a stray task of its last scenario threw) must leave the
  // pool: a message posted to it is silently dropped, so the next run's lane would wait forever. The
  // 'error' listener also keeps such a crash from being rethrown in the host (the console, `pkh serve`).
  worker.on('error', () => {});
  worker.once('exit', () => dropIdle(worker));
  return worker;
}

export function acquireWorker(file: string): Worker {
  const worker = idleWorkers.pop() ?? startWorker(file);
  worker.ref();
  return worker;
}

export function releaseWorker(worker: Worker): void {
  worker.unref();
  idleWorkers.push(worker);
}

/** Ends the pooled workers (tests, or a host that will run no more scenarios). */
export async function closeScenarioWorkers(): Promise<void> {
  await Promise.all(idleWorkers.splice(0).map((worker) => worker.terminate()));
}
