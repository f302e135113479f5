import type { RunReport } from '../report.js';

/** TAP version 14: one test point per scenario run, YAML diagnostics on failure. */
export function formatTap(report: RunReport): string {
  const lines = ['TAP version 14', `1..${report.total}`];
  report.results.forEach((result, i) => {
    const name = (result.iteration > 1 ? `${result.name} #${result.iteration}` : result.name).replace(/#/g, '\\#').replace(/\n/g, ' ');
    if (result.failure) {
      lines.push(`not ok ${i + 1} - ${name}`);
      lines.push('  ---');
      lines.push(`  file: ${JSON.stringify(result.file)}`);
      lines.push(`  step: ${JSON.stringify(result.failure.step)}`);
      lines.push(`  code: ${JSON.stringify(result.failure.code)}`);
      lines.push(`  message: ${JSON.stringify(result.failure.message)}`);
      lines.push('  ...');
    } else {
      lines.push(`ok ${i + 1} - ${name}`);
    }
  });
  lines.push(`# pass ${report.passed}`, `# fail ${report.failed}`, '');
  return lines.join('\n');
}
