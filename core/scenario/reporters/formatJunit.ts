import type { RunReport, ScenarioResult } from '../report.js';

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

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function caseName(result: ScenarioResult): string {
  return result.iteration > 1 ? `${result.name} #${result.iteration}` : result.name;
}

/**
 * JUnit XML as Jenkins / GitLab / GitHub test reporters ingest it: one <testsuite> per file,
 * one <testcase> per scenario run, <failure> naming the failing step.
 */
export function formatJunit(report: RunReport): string {
  const byFile = new Map<string, ScenarioResult[]>();
  for (const result of report.results) {
    const list = byFile.get(result.file) ?? [];
    list.push(result);
    byFile.set(result.file, list);
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="passkey-harness" tests="${report.total}" failures="${report.failed}" errors="0" time="${seconds(report.durationMs)}">`,
  ];
  for (const [file, results] of byFile) {
    const failures = results.filter((r) => r.status === 'failed').length;
    const time = results.reduce((sum, r) => sum + r.durationMs, 0);
    lines.push(`  <testsuite name="${escapeXml(file)}" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(time)}">`);
    for (const result of results) {
      const open = `    <testcase classname="${escapeXml(file)}" name="${escapeXml(caseName(result))}" time="${seconds(result.durationMs)}"`;
      if (result.failure) {
        const { step, code, message } = result.failure;
        lines.push(`${open}>`);
        lines.push(`      <failure message="${escapeXml(`${step}: ${code}: ${message}`)}" type="${escapeXml(code)}">${escapeXml(stepLog(result))}</failure>`);
        lines.push('    </testcase>');
      } else {
        lines.push(`${open}/>`);
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function stepLog(result: ScenarioResult): string {
  return result.steps
    .map((s) => `${s.status === 'passed' ? 'ok  ' : s.status === 'failed' ? 'FAIL' : 'skip'} ${s.name}${s.error ? ` — ${s.error.code}: ${s.error.message}` : ''}`)
    .join('\n');
}
