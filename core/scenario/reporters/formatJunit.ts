import { failureLabel, stepLabel } from './formatHuman.js';
import type { RunReport, ScenarioResult, StepResult } from '../report.js';

/** XML 1.0 forbids most C0 controls even as references; drop them, escape the five specials. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface JunitFormatOptions {
  /**
   * `'step'` (default): a <testsuite> per scenario run and a <testcase> per step, so CI shows the
   * step that failed. `'scenario'`: a <testsuite> per file and a <testcase> per scenario run.
   */
  cases?: 'step' | 'scenario';
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function runName(result: ScenarioResult): string {
  return result.iteration > 1 ? `${result.name} #${result.iteration}` : result.name;
}

/**
 * In an attribute value a parser turns a raw tab, newline or carriage return into a space (XML 1.0
 * §3.3.3, attribute-value normalization): written as references, a multi-line message survives.
 */
const escapeXmlAttribute = (text: string) => escapeXml(text).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');

const attrs = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([k, v]) => `${k}="${typeof v === 'number' ? v : escapeXmlAttribute(v)}"`)
    .join(' ');

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The failure body: expected and actual apart when the expectation said them, then the message. */
function failureBody(step: Pick<StepResult, 'error'>): string {
  const details = step.error?.details as { expected?: unknown; actual?: unknown } | undefined;
  const compared = details && 'expected' in details ? `expected: ${show(details.expected)}\nactual:   ${show(details.actual)}\n\n` : '';
  return `${compared}${step.error ? `${step.error.code}: ${step.error.message}` : ''}`;
}

/**
 * JUnit XML as Jenkins / GitLab / GitHub test reporters ingest it. Invalid files (they did not
 * run) appear as a testsuite with one <error> each, so a CI report never hides them.
 */
export function formatJunit(report: RunReport, options: JunitFormatOptions = {}): string {
  const body = options.cases === 'scenario' ? perScenario(report) : perStep(report);
  const invalid = report.invalid ?? [];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: 'passkey-harness', tests: body.tests + invalid.length, failures: body.failures, errors: invalid.length, skipped: body.skipped, time: seconds(report.durationMs) })}>`,
    ...body.lines,
  ];
  for (const { file, errors } of invalid) {
    const message = errors.map((e) => `${e.line ? `${file}:${e.line}:${e.column ?? 1}` : file}: ${e.path === '(yaml)' ? '' : `${e.path}: `}${e.message}`).join('\n');
    lines.push(`  <testsuite ${attrs({ name: file, tests: 1, failures: 0, errors: 1, skipped: 0, time: '0.000', file })}>`);
    lines.push(`    <testcase ${attrs({ classname: file, name: '(scenario file)', time: '0.000', file })}>`);
    lines.push(`      <error ${attrs({ message: `SCENARIO_INVALID: ${errors[0]?.message ?? 'invalid'}`, type: 'SCENARIO_INVALID' })}>${escapeXml(message)}</error>`);
    lines.push('    </testcase>', '  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function perStep(report: RunReport): { lines: string[]; tests: number; failures: number; skipped: number } {
  const lines: string[] = [];
  let [tests, failures, skipped] = [0, 0, 0];
  for (const result of report.results) {
    const failed = result.steps.filter((s) => s.status === 'failed').length;
    const skips = result.steps.filter((s) => s.status === 'skipped').length;
    // A run that failed outside any step (its worker thread died) is a testcase of its own: without
    // it the suite had no failing case, and CI counted the run as passed.
    const unplaced = result.failure && failed === 0 ? result.failure : undefined;
    const cases = result.steps.length + (unplaced ? 1 : 0);
    tests += cases;
    failures += failed + (unplaced ? 1 : 0);
    skipped += skips;
    lines.push(`  <testsuite ${attrs({ name: runName(result), tests: cases, failures: failed + (unplaced ? 1 : 0), errors: 0, skipped: skips, time: seconds(result.durationMs), file: result.file })}>`);
    lines.push(`    <properties><property ${attrs({ name: 'seed', value: result.seed })}/><property ${attrs({ name: 'iteration', value: result.iteration })}/></properties>`);
    for (const step of result.steps) {
      // Names stay unique per classname across --repeat iterations.
      const name = result.iteration > 1 ? `${stepLabel(step)} #${result.iteration}` : stepLabel(step);
      const open = `    <testcase ${attrs({ classname: result.file, name, time: seconds(step.durationMs), file: result.file })}`;
      if (step.status === 'passed') lines.push(`${open}/>`);
      else if (step.status === 'skipped') lines.push(`${open}>`, `      <skipped ${attrs({ message: 'an earlier step failed' })}/>`, '    </testcase>');
      else {
        const code = step.error?.code ?? 'FAILED';
        lines.push(`${open}>`, `      <failure ${attrs({ message: `${code}: ${step.error?.message ?? ''}`, type: code })}>${escapeXml(failureBody(step))}</failure>`);
        // The ceremony the step played, as `pkh inspect` reads it: save it to a file and inspect it.
        if (step.ceremony) lines.push(`      <system-out>${escapeXml(`WebAuthn ${step.ceremony.ceremony}() on ${step.ceremony.phone}, challenge ${String(step.ceremony.options.challenge)}, origin ${step.ceremony.origin}; response:\n${JSON.stringify(step.ceremony.response, null, 2)}`)}</system-out>`);
        lines.push('    </testcase>');
      }
    }
    if (unplaced) {
      const name = result.iteration > 1 ? `${failureLabel(unplaced)} #${result.iteration}` : failureLabel(unplaced);
      lines.push(`    <testcase ${attrs({ classname: result.file, name, time: seconds(result.durationMs), file: result.file })}>`);
      lines.push(`      <failure ${attrs({ message: `${unplaced.code}: ${unplaced.message}`, type: unplaced.code })}>${escapeXml(`${unplaced.code}: ${unplaced.message}`)}</failure>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  return { lines, tests, failures, skipped };
}

function perScenario(report: RunReport): { lines: string[]; tests: number; failures: number; skipped: number } {
  const byFile = new Map<string, ScenarioResult[]>();
  for (const result of report.results) byFile.set(result.file, [...(byFile.get(result.file) ?? []), result]);
  const lines: string[] = [];
  for (const [file, results] of byFile) {
    const failures = results.filter((r) => r.status === 'failed').length;
    const time = results.reduce((sum, r) => sum + r.durationMs, 0);
    lines.push(`  <testsuite ${attrs({ name: file, tests: results.length, failures, errors: 0, skipped: 0, time: seconds(time) })}>`);
    for (const result of results) {
      const open = `    <testcase ${attrs({ classname: file, name: runName(result), time: seconds(result.durationMs) })}`;
      if (!result.failure) {
        lines.push(`${open}/>`);
        continue;
      }
      const { index, code, message } = result.failure;
      const failedStep = result.steps.find((s) => s.index === index);
      lines.push(`${open}>`);
      lines.push(`      <failure ${attrs({ message: `${failureLabel(result.failure)}: ${code}: ${message}`, type: code })}>${escapeXml(`${failedStep ? failureBody(failedStep) : `${code}: ${message}`}\n\n${stepLog(result)}`)}</failure>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  return { lines, tests: report.results.length, failures: report.failed, skipped: 0 };
}

function stepLog(result: ScenarioResult): string {
  return result.steps
    .map((s) => `${s.status === 'passed' ? 'ok  ' : s.status === 'failed' ? 'FAIL' : 'skip'} ${s.name}${s.error ? ` — ${s.error.code}: ${s.error.message}` : ''}`)
    .join('\n');
}
