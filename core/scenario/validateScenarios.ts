import { isHarnessError } from '../errors.js';
import { parseScenario } from './parseScenario.js';
import type { Scenario } from './schema.js';

export interface ScenarioSource {
  name: string;
  text: string;
}

/** One source's verdict: every problem with its path in the YAML. */
export interface ScenarioValidation {
  name: string;
  ok: boolean;
  errors: { path: string; message: string }[];
}

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

/** Every source checked, every problem listed (a bad file does not hide the next one). */
export function validateScenarios(sources: ScenarioSource[]): ScenarioValidation[] {
  return sources.map(({ name, text }) => {
    try {
      parseScenario(text, name);
      return { name, ok: true, errors: [] };
    } catch (error) {
      if (!isHarnessError(error, 'SCENARIO_INVALID')) throw error;
      const issues = (error.details?.issues as { path: string; message: string }[] | undefined) ?? [{ path: '(root)', message: error.message }];
      return { name, ok: false, errors: issues };
    }
  });
}

/** Parses all sources or throws SCENARIO_INVALID naming the first bad file. */
export function loadScenarios(sources: ScenarioSource[]): LoadedScenario[] {
  return sources.map(({ name, text }) => ({ file: name, scenario: parseScenario(text, name) }));
}
