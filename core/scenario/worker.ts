import { parentPort } from 'node:worker_threads';
import { runScenario, type RunScenarioOptions } from './runScenario.js';

/** One job from runScenarios: `steps` asks for each settled step to be posted before the result. */
export type WorkerJob = Omit<RunScenarioOptions, 'now' | 'onStep'> & { index: number; steps: boolean };

/** Worker thread of runScenarios: a scenario per message (a few may be in flight), each reply tagged with its job index. */
parentPort?.on('message', (job: WorkerJob) => {
  const { index, steps, ...options } = job;
  void runScenario({ ...options, ...(steps ? { onStep: (step) => parentPort!.postMessage({ type: 'step', index, step }) } : {}) }).then((result) =>
    parentPort!.postMessage({ type: 'result', index, result }),
  );
});
