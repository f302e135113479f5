import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
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

  it('rejects an unknown action, naming the step (counted from 1) with file:line:column', () => {
    try {
      parseScenario('name: x\nsteps:\n  - do: createUser\n    user: a\n  - do: teleport\n', 'bad.yaml');
      expect.unreachable();
    } catch (error) {
      expect(isHarnessError(error, 'SCENARIO_INVALID')).toBe(true);
      expect((error as Error).message).toContain('bad.yaml:5:9: step 2 › do: unknown step "teleport" (steps: createUser,');
    }
  });

  it('an action written as the key (`- enroll: {…}`) says how to write the step; a step with no action at all lists the actions', () => {
    const [result] = validateScenarios([{ name: 'keyed.yaml', text: 'name: x\nsteps:\n  - createUser: { user: a }\n  - user: a\n' }]);
    expect(result!.errors.map((e) => [e.path, e.message, e.line])).toEqual([
      ['step 1 › do', 'missing "do": write "do: createUser" with its fields beside it in the step, not under "createUser:"', 3],
      ['step 2 › do', expect.stringMatching(/^missing "do" \(the step's action: createUser, createPhone, /), 4],
    ]);
  });

  it('a typo in a step name says "did you mean" with the line and column of the value', () => {
    const [result] = validateScenarios([{ name: 'typo.yaml', text: 'name: x\nsteps:\n  - do: createUser\n    user: a\n  - do: enrol\n    user: a\n    phone: p\n' }]);
    expect(result!.errors).toEqual([
      { path: 'step 2 › do', message: 'unknown step "enrol" — did you mean "enroll"?', line: 5, column: 9, excerpt: '  5 |   - do: enrol\n    |         ^' },
    ]);
  });

  it('lists every problem of a file, each at its place, lists counted from 1', () => {
    const text = ['name: x', 'steps:', '  - do: login', '    user: a', '    pasword: nope', '  - do: createUser', '  - do: check', '    expect:', '      audit:', '        - action: a', '          count: -1'].join('\n');
    const [result] = validateScenarios([{ name: 'many.yaml', text }]);
    expect(result!.errors.map((e) => [e.path, e.message, e.line, e.column])).toEqual([
      ['step 1', 'unknown key "pasword" — did you mean "password"?', 5, 5],
      ['step 2 › user', 'missing "user" (string)', 6, 5],
      ['step 3 › expect.audit[1].count', expect.stringContaining('>=0'), 11, 18],
    ]);
  });

  it('rejects unknown keys (typos would otherwise be silently ignored)', () => {
    const [result] = validateScenarios([{ name: 't.yaml', text: 'name: x\nsteps:\n  - do: login\n    user: a\n    pasword: nope\n' }]);
    expect(result!.ok).toBe(false);
    expect(result!.errors[0]!.path).toBe('step 1');
  });

  it('rejects a malformed error code in expect', () => {
    const [result] = validateScenarios([{ name: 't.yaml', text: 'name: x\nsteps:\n  - do: check\n    expect: { error: "not a code" }\n' }]);
    expect(result!.ok).toBe(false);
    expect(result!.errors[0]!.path).toBe('step 1 › expect.error');
  });

  it('reports YAML syntax errors as SCENARIO_INVALID with the offending line and a caret, never ending in a colon', () => {
    const [result] = validateScenarios([{ name: 'y.yaml', text: 'name: x\nsteps:\n  - do: a: b\n' }]);
    expect(result).toMatchObject({ ok: false, errors: [{ path: '(yaml)', line: 3, column: 9, excerpt: '  3 |   - do: a: b\n    |         ^' }] });
    for (const text of ['name: [unclosed\n', 'name: x\nsteps:\n\t- do: check\n', 'a: *x\n', '']) {
      const [r] = validateScenarios([{ name: 'y.yaml', text }]);
      expect(r!.ok).toBe(false);
      for (const e of r!.errors) expect(e.message, text).not.toMatch(/:\s*$/);
    }
    try {
      parseScenario('name: x\nsteps:\n  - do: a: b\n', 'y.yaml');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('y.yaml:3:9: YAML: Nested mappings are not allowed in compact mappings\n  3 |   - do: a: b\n    |         ^');
    }
  });

  it('a one-line 1 MB file gives bounded errors: the excerpt is 120 characters around the column (… where cut), escaped; long words and many problems are cut too', () => {
    const filler = 'a'.repeat(1_000_000);
    // The error is near the end of the line: the window is its last 120 characters, ESC shown as \x1b.
    const [end] = validateScenarios([{ name: 'end.yaml', text: `name: x\nsteps: [{ do: createUser, user: "${filler}", bo\u001b[2Jgus: 1 }]\n` }]);
    for (const e of end!.errors) expect(e.excerpt!.length).toBeLessThan(2 * (120 + 20));
    const afterEsc = end!.errors.find((e) => e.column === 1_000_040)!;
    const [shown, caret] = afterEsc.excerpt!.split('\n') as [string, string];
    expect(shown).toBe(`  2 | …${'a'.repeat(102)}", bo\\x1b[2Jgus: 1 }]`);
    // The caret stays under its character (the "[" after ESC) though the escape widened the line before it.
    expect(shown.slice(caret.indexOf('^') - 4, caret.indexOf('^') + 1)).toBe('\\x1b[');
    // In the middle of the line: 60 characters either side, cut at both ends.
    const [middle] = validateScenarios([{ name: 'mid.yaml', text: `name: x\nsteps: [ ] "${filler}" ${filler}\n` }]);
    const inMiddle = middle!.errors.find((e) => e.column === 1_000_015)!;
    const [midShown, midCaret] = inMiddle.excerpt!.split('\n') as [string, string];
    expect(midShown).toBe(`  2 | …${'a'.repeat(58)}" ${'a'.repeat(60)}…`);
    expect(midCaret.indexOf('^')).toBe(midShown.indexOf('" a') + 2);
    // Words quoted in messages are cut too, and a file with thousands of problems lists 100 and counts the rest.
    const [step] = validateScenarios([{ name: 'step.yaml', text: `name: x\nsteps:\n  - { do: ${filler} }\n` }]);
    expect(step!.errors[0]!.message).toMatch(/^unknown step "a{60}…" \(steps: /);
    const [many] = validateScenarios([{ name: 'many.yaml', text: `name: x\nsteps: [${'{a: b: c}, '.repeat(5000)}]\n` }]);
    expect(many!.errors).toHaveLength(101);
    expect(many!.errors[100]).toMatchObject({ path: '(root)', message: expect.stringMatching(/^\d+ more problems not listed$/) });
  });

  it('refuses YAML tags the language does not have (!!js/function, !custom) instead of reading the plain value', () => {
    for (const [tag, shown] of [['!!js/function', 'tag:yaml.org,2002:js/function'], ['!custom', '!custom']] as const) {
      const [result] = validateScenarios([{ name: 'tag.yaml', text: `name: ${tag} "function () { return 1 }"\nsteps: [{ do: check }]\n` }]);
      expect(result!.ok, tag).toBe(false);
      expect(result!.errors[0], tag).toMatchObject({ path: '(yaml)', message: `YAML: Unresolved tag: ${shown}`, line: 1, column: 7 });
    }
  });

  it('never writes yaml warnings on the process stderr (a collection key is reported as a problem, at its line)', () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const [result] = validateScenarios([{ name: 'key.yaml', text: 'name: x\nsteps: [{ do: check }]\n? [a, b]\n: 1\n3: three\n' }]);
      expect(warnings).not.toHaveBeenCalled();
      // One issue names both keys; it points at the first one the object lists (`3`, an integer key).
      expect(result!.errors.map((e) => [e.message, e.line])).toEqual([['unknown key "3"; unknown key "[ a, b ]"', 5]]);
    } finally {
      warnings.mockRestore();
    }
  });

  it('"did you mean" reaches keys nested in expect (audit entries, passkeys, mailbox)', () => {
    const text = 'name: x\nsteps:\n  - do: check\n    expect:\n      audit: [{ action: a, cout: 1 }]\n      passkeys: { count: 1, activ: false }\n      mailbox: { subjectContain: x }\n';
    const [result] = validateScenarios([{ name: 'nested.yaml', text }]);
    expect(result!.errors.map((e) => e.message).sort()).toEqual([
      'unknown key "activ" — did you mean "active"?',
      'unknown key "cout" — did you mean "count"?',
      'unknown key "subjectContain" — did you mean "subjectContains"?',
    ]);
  });

  it('JSON Schema is generated from the zod definitions and lists every action and fault', () => {
    const schema = scenarioJsonSchema();
    const text = JSON.stringify(schema);
    expect(schema.$schema).toContain('json-schema.org');
    for (const action of ['createUser', 'enterTotp', 'localAuth', 'loginWithPasskey', 'injectFault', 'adminReset', 'advanceClock']) expect(text).toContain(`"${action}"`);
    for (const fault of FAULT_NAMES) expect(text).toContain(`"${fault}"`);
  });
});
