import { oneLine, visible } from '../../terminalText.js';
import type { RunReport, ScenarioResult, StepResult } from '../report.js';

export interface HumanFormatOptions {
  /** Decided by the caller: colour only on a TTY and never with NO_COLOR (see `shouldColor`). */
  color: boolean;
  /** Print every step, not only the failing one. */
  verbose?: boolean;
}

/** https://no-color.org: any non-empty NO_COLOR disables colour; otherwise only on a TTY. */
export function shouldColor(env: Record<string, string | undefined>, isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return isTty;
}

const painter = (color: boolean) => (code: number) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);

/** `3: enroll`, or `3: enroll "the name from the file"` when the file names the step. */
export function stepLabel(step: Pick<StepResult, 'index' | 'name' | 'action'>): string {
  const plain = `${step.index}: ${step.action}`;
  return step.name === plain ? plain : `${plain} "${oneLine(step.name)}"`;
}

/** `step 3 "name"`, or the bare label of a failure no step owns (index 0: the run's worker thread died). */
export function failureLabel(failure: Pick<NonNullable<ScenarioResult['failure']>, 'step' | 'index'>): string {
  return failure.index > 0 ? `step ${failure.index} "${failure.step}"` : failure.step;
}

/**
 * One finished scenario: a ✔/✘ line with its file and time; a failed one adds its failing step
 * (the only place the failure is printed); `verbose` lists every step.
 */
export function formatScenarioResult(result: ScenarioResult, options: HumanFormatOptions): string {
  const paint = painter(options.color);
  const [green, red, dim] = [paint(32), paint(31), paint(2)];
  const label = oneLine(result.iteration > 1 ? `${result.name} #${result.iteration}` : result.name);
  const mark = result.status === 'passed' ? green('✔') : red('✘');
  const lines = [`${mark} ${label} ${dim(`(${oneLine(result.file)}, ${result.durationMs.toFixed(0)} ms)`)}`];
  const failedStep = result.steps.find((s) => s.status === 'failed');
  for (const step of result.steps) {
    if (!options.verbose && step !== failedStep) continue;
    const sym = step.status === 'passed' ? green('ok  ') : step.status === 'failed' ? red('FAIL') : dim('skip');
    const why = step.status === 'failed' && step.error ? ` — ${step.error.code}: ${visible(step.error.message)}` : '';
    lines.push(`    ${sym} ${stepLabel(step)}${why}`);
  }
  // A failure reported without its steps (over --server progress) still names the step once.
  if (result.failure && !failedStep) lines.push(red(`    FAIL ${failureLabel({ ...result.failure, step: oneLine(result.failure.step) })} — ${result.failure.code}: ${visible(result.failure.message)}`));
  if (!options.verbose && failedStep) {
    const skipped = result.steps.filter((s) => s.status === 'skipped').length;
    if (skipped) lines.push(dim(`    (${skipped} later step${skipped === 1 ? '' : 's'} skipped)`));
  }
  return lines.join('\n');
}

/** Files that did not run because they are invalid, every problem with file:line:column. */
export function formatInvalidFiles(report: Pick<RunReport, 'invalid'>): string {
  const lines: string[] = [];
  for (const { file, errors } of report.invalid ?? []) {
    for (const e of errors) {
      const where = e.line ? `${file}:${e.line}:${e.column ?? 1}` : file;
      lines.push(`${visible(where)}: ${e.path === '(yaml)' ? '' : `${visible(e.path)}: `}${visible(e.message)}`);
      if (e.excerpt) lines.push(...e.excerpt.split('\n').map(visible));
    }
  }
  return lines.join('\n');
}

/** The one closing line: counts, invalid files, seed (to replay), time. */
export function formatSummary(report: RunReport, options: Pick<HumanFormatOptions, 'color'>): string {
  const paint = painter(options.color);
  const invalid = report.invalid?.length ?? 0;
  const text = `${report.passed} passed, ${report.failed} failed (${report.total} scenario${report.total === 1 ? '' : 's'}${invalid ? `, ${invalid} invalid file${invalid === 1 ? '' : 's'} not run` : ''}, seed ${report.seed}, ${report.durationMs.toFixed(0)} ms)`;
  return report.failed || invalid ? paint(31)(text) : paint(32)(text);
}

export function formatHuman(report: RunReport, options: HumanFormatOptions): string {
  const lines = report.results.map((result) => formatScenarioResult(result, options));
  const invalid = formatInvalidFiles(report);
  if (invalid) lines.push('', invalid);
  lines.push('', formatSummary(report, options), '');
  return lines.join('\n');
}
