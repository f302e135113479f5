import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarios, runScenarios, validateScenarios } from '../../scenario/index.js';
import type { HarnessImplementation } from '../channels.js';
import type { ShippedScenario } from '../types.js';
import type { HandlerContext } from './context.js';

type ScenarioChannels = 'scenarios.list' | 'scenarios.validate' | 'scenarios.run' | 'scenarios.start' | 'scenarios.progress';

/** examples/scenarios of the installed package: found upwards from this file (source tree, dist/ or an npm install). */
function shippedScenarioDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'examples', 'scenarios');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

function listShippedScenarios(): ShippedScenario[] {
  const dir = shippedScenarioDir();
  if (!dir) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return { name, title: /^name:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? name, text };
    });
}

/**
 * YAML scenarios sent as text: validate, run to the end, or start in the background and poll.
 * Each scenario runs in its own fresh world (core/scenario); the harness's own state is untouched.
 */
export function scenarioHandlers({ rpId, runs }: HandlerContext): Pick<HarnessImplementation, ScenarioChannels> {
  return {
    async 'scenarios.list'() {
      return listShippedScenarios();
    },
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
