import { parentPort } from 'node:worker_threads';
import { runScenario, type RunScenarioOptions } from './runScenario.js';

/** Worker thread of runScenarios: one scenario per message; each settled step, then the result, posted back. */
parentPort?.on('message', (job: Omit<RunScenarioOptions, 'now' | 'onStep'>) => {
  void runScenario({ ...job, onStep: (step) => parentPort!.postMessage({ type: 'step', step }) }).then((result) =>
    parentPort!.postMessage({ type: 'result', result }),
  );
});
