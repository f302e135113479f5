import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** JSON Schema (draft 2020-12) of scenario files, generated from the runner's own zod definitions. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://passkey-harness.invalid/scenario.schema.json', title: 'Passkey Harness scenario' };
}
