import { loadScenarios, runScenarios, validateScenarios } from '../../scenario/index.js';
import type { HarnessImplementation } from '../channels.js';
import type { HandlerContext } from './context.js';

type ScenarioChannels = 'scenarios.validate' | 'scenarios.run' | 'scenarios.start' | 'scenarios.progress';

/**
 * YAML scenarios sent as text: validate, run to the end, or start in the background and poll.
 * Each scenario runs in its own fresh world (core/scenario); the harness's own state is untouched.
 */
export function scenarioHandlers({ rpId, runs }: HandlerContext): Pick<HarnessImplementation, ScenarioChannels> {
  return {
    async 'scenarios.validate'({ sources }) {
      return validateScenarios(sources);
    },
    async 'scenarios.run'({ sources, seed, repeat, concurrency }) {
      return runScenarios({ scenarios: loadScenarios(sources), seed, repeat, concurrency, rpId });
    },
    async 'scenarios.start'({ sources, seed, repeat, concurrency }) {
      // Loaded here so an invalid source is refused by start itself, as by scenarios.run.
      return runs.start({ scenarios: loadScenarios(sources), seed, repeat, concurrency, rpId });
    },
    async 'scenarios.progress'({ runId, after = 0 }) {
      return runs.progress(runId, after);
    },
  };
}
