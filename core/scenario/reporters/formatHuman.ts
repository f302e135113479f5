import type { RunReport } from '../report.js';

export interface HumanFormatOptions {
  /** Decided by the caller: colour only on a TTY and never with NO_COLOR (see `shouldColor`). */
  color: boolean;
  /** Print every step, not only those of failing scenarios. */
  verbose?: boolean;
}

/** https://no-color.org: any non-empty NO_COLOR disables colour; otherwise only on a TTY. */
export function shouldColor(env: Record<string, string | undefined>, isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return isTty;
}

/** Scenario names and error messages are untrusted text: never let them drive the terminal. */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function formatHuman(report: RunReport, options: HumanFormatOptions): string {
  const paint = (code: number) => (text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const green = paint(32);
  const red = paint(31);
  const dim = paint(2);
  const lines: string[] = [];
  for (const result of report.results) {
    const label = visible(result.iteration > 1 ? `${result.name} #${result.iteration}` : result.name);
    const mark = result.status === 'passed' ? green('✔') : red('✘');
    lines.push(`${mark} ${label} ${dim(`(${visible(result.file)}, ${result.durationMs.toFixed(0)} ms)`)}`);
    if (result.status === 'failed' || options.verbose) {
      for (const step of result.steps) {
        const sym = step.status === 'passed' ? green('ok  ') : step.status === 'failed' ? red('FAIL') : dim('skip');
        lines.push(`    ${sym} ${visible(step.name)}${step.error && step.status === 'failed' ? ` — ${step.error.code}: ${visible(step.error.message)}` : ''}`);
      }
    }
    if (result.failure) lines.push(red(`    failed at step "${visible(result.failure.step)}": ${result.failure.code}: ${visible(result.failure.message)}`));
  }
  const summary = `${report.passed} passed, ${report.failed} failed (${report.total} scenarios, seed ${report.seed}, ${report.durationMs.toFixed(0)} ms)`;
  lines.push('', report.failed ? red(summary) : green(summary), '');
  return lines.join('\n');
}
