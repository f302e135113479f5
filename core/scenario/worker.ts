import { parentPort } from 'node:worker_threads';
import { runScenario, type RunScenarioOptions } from './runScenario.js';

/** Worker thread of runScenarios: one scenario per message, result posted back. */
parentPort?.on('message', (job: Omit<RunScenarioOptions, 'now'>) => {
  void runScenario(job).then((result) => parentPort!.postMessage(result));
});
