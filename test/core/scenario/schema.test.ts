import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isHarnessError } from '../../../core/errors.js';
import { parseScenario } from '../../../core/scenario/parseScenario.js';
import { scenarioJsonSchema } from '../../../core/scenario/scenarioJsonSchema.js';
import { FAULT_NAMES } from '../../../core/scenario/schema.js';
import { validateScenarios } from '../../../core/scenario/validateScenarios.js';

const examples = new URL('../../../examples/scenarios/', import.meta.url);

describe('scenario schema', () => {
  it('accepts every shipped example', () => {
    const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    const results = validateScenarios(files.map((f) => ({ name: f, text: readFileSync(new URL(f, examples), 'utf8') })));
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('applies defaults from the same definitions the runner uses', () => {
    const s = parseScenario('name: x\nsteps:\n  - do: createUser\n    user: a\n  - do: enterCode\n', 'x.yaml');
    expect(s.steps[0]).toEqual({ do: 'createUser', user: 'a', password: 'password', otp: false });
    expect(s.steps[1]).toMatchObject({ do: 'enterCode', code: 'mailbox' });
  });

  it('rejects an unknown action, naming the step path', () => {
    try {
      parseScenario('name: x\nsteps:\n  - do: createUser\n    user: a\n  - do: teleport\n', 'bad.yaml');
      expect.unreachable();
    } catch (error) {
      expect(isHarnessError(error, 'SCENARIO_INVALID')).toBe(true);
      expect((error as Error).message).toContain('bad.yaml: steps.1.do');
    }
  });

  it('rejects unknown keys (typos would otherwise be silently ignored)', () => {
    const [result] = validateScenarios([{ name: 't.yaml', text: 'name: x\nsteps:\n  - do: login\n    user: a\n    pasword: nope\n' }]);
    expect(result!.ok).toBe(false);
    expect(result!.errors[0]!.path).toBe('steps.0');
  });

  it('rejects a malformed error code in expect', () => {
    const [result] = validateScenarios([{ name: 't.yaml', text: 'name: x\nsteps:\n  - do: check\n    expect: { error: "not a code" }\n' }]);
    expect(result!.ok).toBe(false);
    expect(result!.errors[0]!.path).toBe('steps.0.expect.error');
  });

  it('reports YAML syntax errors as SCENARIO_INVALID', () => {
    const [result] = validateScenarios([{ name: 'y.yaml', text: 'name: [unclosed\n' }]);
    expect(result).toMatchObject({ ok: false, errors: [{ path: '(yaml)' }] });
  });

  it('JSON Schema is generated from the zod definitions and lists every action and fault', () => {
    const schema = scenarioJsonSchema();
    const text = JSON.stringify(schema);
    expect(schema.$schema).toContain('json-schema.org');
    for (const action of ['createUser', 'enterTotp', 'localAuth', 'loginWithPasskey', 'injectFault', 'adminReset', 'advanceClock']) expect(text).toContain(`"${action}"`);
    for (const fault of FAULT_NAMES) expect(text).toContain(`"${fault}"`);
  });
});
