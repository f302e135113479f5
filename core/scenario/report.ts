import type { ErrorData } from '../errors.js';
import type { CeremonyTrace } from '../journey/steps.js';

/** What a run produces; every reporter (human, json, junit, tap) renders this one shape. */
export interface StepResult {
  /** Position of the step in its file, counted from 1 (as in messages, reports and the default name). */
  index: number;
  /** `name:` from the file, else `<index>: <action>`; the failing step is reported by this. */
  name: string;
  action: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: ErrorData;
  /**
   * The WebAuthn ceremony this step played (options and the phone's response), on a step that
   * failed or that ended in an error it expected: what the console's inspector and `pkh inspect` open.
   */
  ceremony?: CeremonyTrace;
}

export interface ScenarioResult {
  name: string;
  file: string;
  iteration: number;
  seed: string;
  status: 'passed' | 'failed';
  durationMs: number;
  steps: StepResult[];
  /** `index` counts from 1, like StepResult's; 0 when no step owns the failure (the run's worker thread died). */
  failure?: { step: string; index: number; code: string; message: string };
}

/** A source that failed validation: it did not run, and the run does not pass. */
export interface InvalidScenarioFile {
  file: string;
  errors: { path: string; message: string; line?: number; column?: number; excerpt?: string }[];
}

export interface RunReport {
  seed: string;
  total: number;
  passed: number;
  failed: number;
  durationMs: number;
  results: ScenarioResult[];
  /** Files left out because they are invalid (the CLI runs the valid ones and lists these). */
  invalid?: InvalidScenarioFile[];
}
