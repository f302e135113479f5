import type { RunReport } from '../report.js';
import { oneLine } from '../../terminalText.js';

/** A test point's description: one visible line; `\\` and `#` escaped (TAP 14), so a name cannot become a directive. */
const description = (text: string): string => oneLine(text).replace(/[\\#]/g, (c) => `\\${c}`);

/** TAP version 14: one test point per scenario run (and per invalid file), YAML diagnostics on failure. */
export function formatTap(report: RunReport): string {
  const invalid = report.invalid ?? [];
  const lines = ['TAP version 14', `1..${report.total + invalid.length}`];
  report.results.forEach((result, i) => {
    const name = description(result.iteration > 1 ? `${result.name} #${result.iteration}` : result.name);
    if (result.failure) {
      lines.push(`not ok ${i + 1} - ${name}`);
      lines.push('  ---');
      lines.push(`  file: ${JSON.stringify(result.file)}`);
      lines.push(`  step: ${JSON.stringify(result.failure.step)}`);
      lines.push(`  index: ${result.failure.index}`);
      lines.push(`  code: ${JSON.stringify(result.failure.code)}`);
      lines.push(`  message: ${JSON.stringify(result.failure.message)}`);
      lines.push('  ...');
    } else {
      lines.push(`ok ${i + 1} - ${name}`);
    }
  });
  invalid.forEach(({ file, errors }, i) => {
    lines.push(`not ok ${report.total + i + 1} - ${description(file)} (invalid, not run)`);
    lines.push('  ---', `  file: ${JSON.stringify(file)}`, '  code: "SCENARIO_INVALID"', '  errors:');
    for (const e of errors) lines.push(`    - ${JSON.stringify(`${e.line ? `${e.line}:${e.column ?? 1}: ` : ''}${e.path}: ${e.message}`)}`);
    lines.push('  ...');
  });
  lines.push(`# pass ${report.passed}`, `# fail ${report.failed + invalid.length}`, '');
  return lines.join('\n');
}
