import type { ErrorData } from '../errors.js';

/** What a run produces; every reporter (human, json, junit, tap) renders this one shape. */
export interface StepResult {
  index: number;
  /** `name:` from the file, else `<index>: <action>`; the failing step is reported by this. */
  name: string;
  action: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: ErrorData;
}

export interface ScenarioResult {
  name: string;
  file: string;
  iteration: number;
  seed: string;
  status: 'passed' | 'failed';
  durationMs: number;
  steps: StepResult[];
  failure?: { step: string; index: number; code: string; message: string };
}

export interface RunReport {
  seed: string;
  total: number;
  passed: number;
  failed: number;
  durationMs: number;
  results: ScenarioResult[];
}
