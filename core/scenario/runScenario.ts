import { toErrorData, type ErrorData } from '../errors.js';
import { checkExpectation } from './checkExpectation.js';
import { executeStep } from './executeStep.js';
import type { ScenarioResult, StepResult } from './report.js';
import type { Scenario } from './schema.js';
import { createWorld, type CeremonyTrace, type World } from '../journey/index.js';

/**
 * Password hashing cost inside a scenario's world. Its in-memory database dies with the run, so the
 * default cost (N = 16384, ≈ 50 ms a hash) protects nothing there and was most of a scenario's time.
 */
export const SCENARIO_SCRYPT_COST = 16;

export interface RunScenarioOptions {
  scenario: Scenario;
  file: string;
  iteration?: number;
  /** Run seed; the scenario's own `seed:` wins. */
  seed: string;
  rpId?: string;
  /** Wall-clock source for durations in the report only (never for the scenario itself). */
  now?: () => number;
  /** Called as each step is settled (passed, failed or skipped), for live progress. */
  onStep?: (step: StepResult) => void;
}

/**
 * The seed a run of `scenario` uses: its own `seed:`, else one derived from the run's, the file's
 * name (not its path: CI runs `examples/scenarios/x.yaml` from the repository, the console runs the
 * same file as `x.yaml`, and `--seed` from either report must replay the other) and the iteration.
 */
export function scenarioSeed(scenario: Pick<Scenario, 'seed'>, seed: string, file: string, iteration: number): string {
  return scenario.seed ?? `${seed}:${file.split(/[\\/]/).pop()}:${iteration}`;
}

/** The step's ceremony, when the phone answered (a denied prompt has options but no response to inspect). */
function ceremonyOf(world: World): { ceremony?: CeremonyTrace } {
  return world.lastCeremony?.response ? { ceremony: world.lastCeremony } : {};
}

/**
 * One scenario in its own fresh in-memory database, ManualClock and seeded Random. The first
 * failing step stops the run; later steps are reported as skipped.
 */
export async function runScenario({ scenario, file, iteration = 1, seed, rpId, now = () => performance.now(), onStep }: RunScenarioOptions): Promise<ScenarioResult> {
  const ownSeed = scenarioSeed(scenario, seed, file, iteration);
  const started = now();
  const steps: StepResult[] = [];
  const settle = (step: StepResult) => {
    steps.push(step);
    onStep?.(step);
  };
  let failure: ScenarioResult['failure'];
  const world = await createWorld({ seed: ownSeed, rpId, scryptCost: SCENARIO_SCRYPT_COST, ...(scenario.attestation ? { attestation: scenario.attestation } : {}) });
  try {
    for (const [position, step] of scenario.steps.entries()) {
      const index = position + 1; // steps count from 1 everywhere a person reads them
      const name = step.name ?? `${index}: ${step.do}`;
      if (failure) {
        settle({ index, name, action: step.do, status: 'skipped', durationMs: 0 });
        continue;
      }
      const stepStart = now();
      let error: ErrorData | undefined;
      world.lastCeremony = undefined;
      try {
        await executeStep(world, step);
      } catch (caught) {
        error = toErrorData(caught);
        if (error.code === 'INTERNAL' && caught instanceof Error) error = { code: 'INTERNAL', message: caught.message };
      }
      try {
        await checkExpectation(world, step.expect, error);
        // A refusal the step expected keeps the response the RP refused, for inspection.
        settle({ index, name, action: step.do, status: 'passed', durationMs: now() - stepStart, ...(error ? { error, ...ceremonyOf(world) } : {}) });
      } catch (caught) {
        const data = toErrorData(caught);
        const reported = data.code === 'INTERNAL' && caught instanceof Error ? { code: 'INTERNAL' as const, message: caught.message } : data;
        settle({ index, name, action: step.do, status: 'failed', durationMs: now() - stepStart, error: reported, ...ceremonyOf(world) });
        failure = { step: name, index, code: reported.code, message: reported.message };
      }
    }
  } finally {
    world.close();
  }
  return {
    name: scenario.name,
    file,
    iteration,
    seed: ownSeed,
    status: failure ? 'failed' : 'passed',
    durationMs: now() - started,
    steps,
    ...(failure ? { failure } : {}),
  };
}
