import { describe, expect, it } from 'vitest';
import { escapeXml, formatHuman, formatJson, formatJunit, formatTap, shouldColor } from '../../../core/scenario/reporters/index.js';
import type { RunReport } from '../../../core/scenario/report.js';

const nasty = 'a<b>&"c"\'d\u0001\u001b[31m';

const report: RunReport = {
  seed: 'seed-1',
  total: 2,
  passed: 1,
  failed: 1,
  durationMs: 12,
  results: [
    { name: 'happy', file: 'dir/01.yaml', iteration: 1, seed: 's1', status: 'passed', durationMs: 5, steps: [{ index: 1, name: '1: createUser', action: 'createUser', status: 'passed', durationMs: 1 }] },
    {
      name: `bad ${nasty}`,
      file: 'dir/02 & more.yaml',
      iteration: 2,
      seed: 's2',
      status: 'failed',
      durationMs: 7,
      steps: [
        {
          index: 1,
          name: 'send the code',
          action: 'sendEmailCode',
          status: 'failed',
          durationMs: 1,
          error: { code: 'EXPECTATION_FAILED', message: `expected OTP_INVALID, got ${nasty}`, details: { expected: 'error OTP_INVALID', actual: `error ${nasty}` } },
        },
        { index: 2, name: '2: confirm', action: 'confirm', status: 'skipped', durationMs: 0 },
      ],
      failure: { step: 'send the code', index: 1, code: 'EXPECTATION_FAILED', message: `expected OTP_INVALID, got ${nasty}` },
    },
  ],
};

/** A minimal well-formedness check: balanced tags, legal characters, only the five entities. */
function assertWellFormedXml(xml: string) {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  // eslint-disable-next-line no-control-regex
  expect(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)).toBe(false);
  expect(/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(xml)).toBe(false);
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, close, name, attrs, selfClose] = m;
    expect(attrs!.includes('<')).toBe(false);
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name!);
  }
  expect(stack).toEqual([]);
  // Text content never carries a raw '<' outside tags.
  expect(xml.replace(/<[^>]*>/g, '').includes('<')).toBe(false);
}

describe('reporters', () => {
  it('junit (default): a testsuite per scenario run, a testcase per step with classname = file, expected/actual in <failure>', () => {
    const xml = formatJunit(report);
    assertWellFormedXml(xml);
    expect(xml).toContain('<testsuites name="passkey-harness" tests="3" failures="1" errors="0" skipped="1"');
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite name="bad a&lt;b&gt;&amp;&quot;c&quot;&apos;d[31m #2" tests="2" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<testcase classname="dir/01.yaml" name="1: createUser" time="0.001"');
    expect(xml).toContain('<testcase classname="dir/02 &amp; more.yaml" name="1: sendEmailCode &quot;send the code&quot; #2"');
    expect(xml).toContain('<failure message="EXPECTATION_FAILED: expected OTP_INVALID, got ');
    expect(xml).toContain('type="EXPECTATION_FAILED">expected: error OTP_INVALID\nactual:   error a&lt;b&gt;');
    expect(xml).toMatch(/name="2: confirm #2"[^>]*>\n\s*<skipped /);
  });

  it('junit per scenario (flag): a testsuite per file, a testcase per scenario run, failure names the step', () => {
    const xml = formatJunit(report, { cases: 'scenario' });
    assertWellFormedXml(xml);
    expect(xml).toContain('<testsuites name="passkey-harness" tests="2" failures="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toContain('name="dir/02 &amp; more.yaml"');
    expect(xml).toContain('message="step 1 &quot;send the code&quot;: EXPECTATION_FAILED: expected OTP_INVALID');
  });

  it('junit, tap, human: invalid files appear (they did not run)', () => {
    const withInvalid: RunReport = { ...report, invalid: [{ file: 'dir/bad.yaml', errors: [{ path: 'step 1 › do', message: 'unknown step "enrol" — did you mean "enroll"?', line: 3, column: 9 }] }] };
    const xml = formatJunit(withInvalid);
    assertWellFormedXml(xml);
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('dir/bad.yaml:3:9: step 1 › do: unknown step &quot;enrol&quot;');
    expect(formatTap(withInvalid)).toContain('not ok 3 - dir/bad.yaml (invalid, not run)');
    expect(formatHuman(withInvalid, { color: false })).toContain('dir/bad.yaml:3:9: step 1 › do: unknown step "enrol" — did you mean "enroll"?');
    expect(formatHuman(withInvalid, { color: false })).toContain('1 invalid file not run');
  });

  it('junit keeps tabs and line breaks of a message in its attribute as character references (a parser would turn raw ones into spaces)', () => {
    const multiline: RunReport = {
      ...report,
      results: [{ ...report.results[1]!, steps: [{ ...report.results[1]!.steps[0]!, error: { code: 'EXPECTATION_FAILED', message: 'first line\nsecond\tcolumn\r' } }], failure: { ...report.results[1]!.failure!, message: 'first line\nsecond\tcolumn\r' } }],
    };
    for (const cases of ['step', 'scenario'] as const) {
      const xml = formatJunit(multiline, { cases });
      assertWellFormedXml(xml);
      expect(xml).toContain('first line&#10;second&#9;column&#13;');
      // Element text keeps raw line breaks: there they are content, not normalised.
      expect(xml).not.toMatch(/message="[^"]*\n/);
    }
  });

  it('a run that failed outside any step (its worker thread died) is a failing testcase in JUnit, and every reporter names no "step 0"', () => {
    const message = 'scenario "lost" (dir/03.yaml #2) did not finish: its worker thread exited (code 1)';
    const lost: RunReport = {
      ...report,
      total: 3,
      failed: 2,
      results: [...report.results, { name: 'lost', file: 'dir/03.yaml', iteration: 2, seed: 's3', status: 'failed', durationMs: 0, steps: [], failure: { step: '(worker thread)', index: 0, code: 'INTERNAL', message } }],
    };
    const xml = formatJunit(lost);
    assertWellFormedXml(xml);
    expect(xml).toContain('<testsuites name="passkey-harness" tests="4" failures="2"');
    expect(xml).toContain('<testsuite name="lost #2" tests="1" failures="1"');
    expect(xml).toContain(`<testcase classname="dir/03.yaml" name="(worker thread) #2" time="0.000" file="dir/03.yaml">\n      <failure message="INTERNAL: ${escapeXml(message)}" type="INTERNAL">`);
    const perScenario = formatJunit(lost, { cases: 'scenario' });
    assertWellFormedXml(perScenario);
    expect(perScenario).toContain(`<failure message="(worker thread): INTERNAL: ${escapeXml(message)}"`);
    expect(formatHuman(lost, { color: false })).toContain(`    FAIL (worker thread) — INTERNAL: ${message}`);
    expect(formatTap(lost)).toContain('not ok 3 - lost \\#2\n  ---\n  file: "dir/03.yaml"\n  step: "(worker thread)"\n  index: 0\n  code: "INTERNAL"');
  });

  it('escapeXml drops characters XML 1.0 cannot carry, including lone surrogates', () => {
    expect(escapeXml('x\u0000y\u001fz\uD800w')).toBe('xyzw');
    expect(escapeXml('tab\tnew\nline')).toBe('tab\tnew\nline');
  });

  it('json round-trips the report', () => {
    expect(JSON.parse(formatJson(report))).toEqual(report);
  });

  it('tap: plan, points and YAML diagnostics with the step', () => {
    const tap = formatTap(report);
    expect(tap.split('\n').slice(0, 3)).toEqual(['TAP version 14', '1..2', 'ok 1 - happy']);
    expect(tap).toContain('not ok 2 - bad');
    expect(tap).toContain('  step: "send the code"');
  });

  it('human: names the failing step once; colour only when asked', () => {
    const plain = formatHuman(report, { color: false });
    expect(plain).toContain('FAIL 1: sendEmailCode "send the code" — EXPECTATION_FAILED: expected OTP_INVALID');
    expect(plain.split('expected OTP_INVALID')).toHaveLength(2);
    expect(plain).toContain('1 passed, 1 failed');
    expect(plain.includes('\u001b')).toBe(false);
    expect(plain).toContain('\\x1b[31m');
    expect(formatHuman(report, { color: true })).toContain('\u001b[32m');
  });

  it('colour only on a TTY and never with NO_COLOR', () => {
    expect(shouldColor({}, true)).toBe(true);
    expect(shouldColor({}, false)).toBe(false);
    expect(shouldColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(shouldColor({ NO_COLOR: '' }, true)).toBe(true);
  });
});
