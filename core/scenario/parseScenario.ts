import { parse as parseYaml, YAMLParseError } from 'yaml';
import { HarnessError } from '../errors.js';
import { scenarioSchema, type Scenario } from './schema.js';

export interface ScenarioIssue {
  path: string;
  message: string;
}

/**
 * YAML text → validated Scenario. Failures are SCENARIO_INVALID with `details.issues`
 * (path + message each) so `scenario validate` can list every problem at once.
 */
export function parseScenario(text: string, source: string): Scenario {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new HarnessError('SCENARIO_INVALID', `${source}: YAML: ${message}`, { details: { issues: [{ path: '(yaml)', message }] } });
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    const issues: ScenarioIssue[] = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    const first = issues[0]!;
    throw new HarnessError('SCENARIO_INVALID', `${source}: ${first.path}: ${first.message}`, { details: { issues } });
  }
  return parsed.data;
}
