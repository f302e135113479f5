import { isHarnessError } from '../errors.js';
import { parseScenario, type ScenarioIssue } from './parseScenario.js';
import type { Scenario } from './schema.js';

export interface ScenarioSource {
  name: string;
  text: string;
}

/** One source's verdict: every problem with its path (steps counted from 1) and, when known, line and column. */
export interface ScenarioValidation {
  name: string;
  ok: boolean;
  errors: ScenarioIssue[];
}

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

function check(source: ScenarioSource): { loaded: LoadedScenario; validation?: undefined } | { loaded?: undefined; validation: ScenarioValidation } {
  try {
    return { loaded: { file: source.name, scenario: parseScenario(source.text, source.name) } };
  } catch (error) {
    if (!isHarnessError(error, 'SCENARIO_INVALID')) throw error;
    const issues = (error.details?.issues as ScenarioIssue[] | undefined) ?? [{ path: '(root)', message: error.message }];
    return { validation: { name: source.name, ok: false, errors: issues } };
  }
}

/** Every source checked, every problem listed (a bad file does not hide the next one). */
export function validateScenarios(sources: ScenarioSource[]): ScenarioValidation[] {
  return sources.map((source) => check(source).validation ?? { name: source.name, ok: true, errors: [] });
}

/** The valid sources parsed and the invalid ones' problems, so a run can go on without the bad files. */
export function partitionScenarios(sources: ScenarioSource[]): { valid: LoadedScenario[]; invalid: ScenarioValidation[] } {
  const valid: LoadedScenario[] = [];
  const invalid: ScenarioValidation[] = [];
  for (const source of sources) {
    const result = check(source);
    if (result.loaded) valid.push(result.loaded);
    else invalid.push(result.validation);
  }
  return { valid, invalid };
}

/** Parses all sources or throws SCENARIO_INVALID naming the first bad file. */
export function loadScenarios(sources: ScenarioSource[]): LoadedScenario[] {
  return sources.map(({ name, text }) => ({ file: name, scenario: parseScenario(text, name) }));
}
