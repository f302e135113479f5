import type { Clock } from '../clock.js';
import { HarnessError, toErrorData } from '../errors.js';
import type { Random } from '../random.js';
import { runScenarios, type LoadedScenario, type RunReport } from '../scenario/index.js';
import { toBase64url } from '../webauthn/index.js';
import type { ScenarioProgress, ScenarioProgressEvent, ScenarioRunStarted } from './types.js';

/** Started runs kept for `scenarios.progress`: the newest few, finished ones for a while. */
const MAX_RUNS = 20;
const FINISHED_RUN_TTL_MS = 10 * 60 * 1000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface ScenarioRun {
  events: ScenarioProgressEvent[];
  done: boolean;
  finishedAt?: number;
  result?: RunReport;
  error?: ScenarioProgress['error'];
}

export interface ScenarioRuns {
  /** Starts a run in the background and returns its ID at once. */
  start(opts: { scenarios: LoadedScenario[]; seed?: string; repeat: number; concurrency: number; rpId: string }): ScenarioRunStarted;
  /** Events after seq `after`; `NOT_FOUND` for an unknown run or one dropped long ago. */
  progress(runId: string, after: number): ScenarioProgress;
}

/**
 * The registry behind `scenarios.start` / `scenarios.progress`, shared by every caller's view of
 * one harness. Runs are kept oldest first (a Map keeps insertion order) and pruned on each start.
 */
export function createScenarioRuns({ clock, random }: { clock: Clock; random: Random }): ScenarioRuns {
  const runs = new Map<string, ScenarioRun>();

  function prune(): void {
    const now = clock.now();
    for (const [id, run] of runs) if (run.finishedAt !== undefined && now - run.finishedAt > FINISHED_RUN_TTL_MS) runs.delete(id);
    // Still too many: drop the oldest, finished or not (a dropped run finishes unobserved).
    for (const id of runs.keys()) {
      if (runs.size < MAX_RUNS) break;
      runs.delete(id);
    }
  }

  return {
    start({ scenarios, seed, repeat, concurrency, rpId }) {
      prune();
      const runId = `run-${toBase64url(random.bytes(9))}`;
      const entry: ScenarioRun = { events: [], done: false };
      runs.set(runId, entry);
      // The spread keeps each event's own variant; TypeScript cannot see that through the added seq.
      const push = (event: DistributiveOmit<ScenarioProgressEvent, 'seq'>) => entry.events.push({ ...event, seq: entry.events.length + 1 } as ScenarioProgressEvent);
      runScenarios({
        scenarios,
        seed,
        repeat,
        concurrency,
        rpId,
        onStep: (where, step) => push({ type: 'step', ...where, step }),
        onProgress(done, total, result) {
          const where = { scenario: result.name, file: result.file, iteration: result.iteration };
          push({ type: 'scenario', ...where, status: result.status, done, total, durationMs: result.durationMs, ...(result.failure ? { failure: result.failure } : {}) });
        },
      }).then(
        (result) => Object.assign(entry, { done: true, finishedAt: clock.now(), result }),
        (caught: unknown) => {
          const { code, message } = toErrorData(caught);
          Object.assign(entry, { done: true, finishedAt: clock.now(), error: { code, message } });
        },
      );
      return { runId, total: scenarios.length * repeat };
    },
    progress(runId, after) {
      const entry = runs.get(runId);
      if (!entry) throw new HarnessError('NOT_FOUND', `no scenario run ${runId} (unknown, or finished long ago)`);
      const { done, result, error } = entry;
      return { runId, events: entry.events.slice(after), done, ...(result ? { result } : {}), ...(error ? { error } : {}) };
    },
  };
}
