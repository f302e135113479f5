import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { oneLine } from '../../core/terminalText.js';
import { writeFileAtomic } from '../atomicWrite.js';
import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { message, printData } from '../output.js';
import type { RunReport } from '../../core/scenario/report.js';

export interface ScenarioSource {
  name: string;
  text: string;
}

/**
 * Files as given, directories expanded to their *.yaml / *.yml (sorted, recursive). A file named
 * on the command line is read whatever it is (`<(cat x.yaml)` is a pipe); one found in a directory
 * must be a regular file: a FIFO, socket or device named *.yaml would block the read or never end,
 * so it is refused with USAGE naming it (not skipped: a suite must not shrink silently).
 */
export function collectSources(paths: string[], cwd = process.cwd()): ScenarioSource[] {
  const files: string[] = [];
  const walk = (path: string, named: boolean) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new CliError('USAGE', `no such file or directory: ${path}`);
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        const child = join(path, entry);
        if (statSync(child).isDirectory() || /\.ya?ml$/i.test(entry)) walk(child, false);
      }
    } else if (named || stat.isFile()) files.push(path);
    else throw new CliError('USAGE', `${path} is not a regular file (a FIFO, socket or device): refusing to read it`);
  };
  for (const path of paths) walk(path, true);
  if (files.length === 0) throw new CliError('USAGE', `no scenario files in ${paths.join(', ')}`);
  // A file named twice (`a.yaml ./a.yaml`, or inside a folder also given) runs once: twice made
  // duplicate JUnit test cases and, over --server, merged the two runs' steps (both keyed by file).
  const unique = [...new Map(files.map((file) => [resolve(cwd, file), file])).values()];
  return unique.map((file) => ({ name: relative(cwd, file) || file, text: readFileSync(file, 'utf8') }));
}

function positiveInt(text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new CliError('USAGE', `${flag} must be an integer from 1 to ${max}, got "${text}"`);
  return value;
}

export async function validate(ctx: CommandContext, paths: string[]) {
  const sources = collectSources(paths);
  let results;
  if (ctx.config.server) results = await (await ctx.harness())['scenarios.validate']({ sources });
  else {
    const { validateScenarios } = await import('../../core/scenario/validateScenarios.js');
    results = validateScenarios(sources);
  }
  const { formatInvalidFiles } = await import('../../core/scenario/reporters/formatHuman.js');
  printData(ctx.io, results, (rows) =>
    rows.map((r) => (r.ok ? `ok    ${oneLine(r.name)}` : `FAIL  ${oneLine(r.name)}\n${indent(formatInvalidFiles({ invalid: [{ file: r.name, errors: r.errors }] }))}`)).join('\n'),
  );
  const bad = results.filter((r) => !r.ok);
  if (bad.length) throw new CliError('SCENARIO_INVALID', `${bad.length} of ${results.length} scenario file(s) invalid`);
  return EXIT.OK;
}

const indent = (text: string) => text.replace(/^/gm, '      ');

interface RunOptions {
  reporter: 'human' | 'json' | 'junit' | 'tap';
  output?: string;
  concurrency: string;
  repeat: string;
  verbose?: boolean;
  junitPerScenario?: boolean;
}

/** Runs at or above this many get a live bar on a terminal (below, the lines themselves are progress enough). */
const BAR_FROM = 10;

/**
 * Progress as a run goes: one line per finished scenario (name, result, time) the moment it
 * settles, on stdout when stdout carries the human report (so `> out.txt` fills while running),
 * else on stderr; a live bar under them when that stream is a terminal and the run is long.
 */
function progressPrinter(ctx: CommandContext, opts: RunOptions, toStdout: boolean, total: number, format: Pick<typeof import('../../core/scenario/reporters/index.js'), 'formatScenarioResult' | 'shouldColor'>) {
  const stream = toStdout ? ctx.io.stdout : ctx.io.stderr;
  const color = toStdout ? ctx.io.color : format.shouldColor(ctx.env, Boolean(ctx.io.stderr.isTTY));
  const bar = Boolean(stream.isTTY) && !ctx.io.json && total >= BAR_FROM;
  const started = performance.now();
  let [done, failed, drawn] = [0, 0, false];
  const clear = () => {
    if (drawn) stream.write('\r\u001b[2K');
    drawn = false;
  };
  const draw = () => {
    if (!bar || done >= total) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    stream.write(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${failed ? `, ${failed} failed` : ''} · ${((performance.now() - started) / 1000).toFixed(1)} s`);
    drawn = true;
  };
  return {
    scenario(result: import('../../core/scenario/report.js').ScenarioResult) {
      done++;
      if (result.status === 'failed') failed++;
      clear();
      if (ctx.io.json) {
        const { name, file, iteration, status, durationMs, failure } = result;
        stream.write(`${JSON.stringify({ event: 'scenario', name, file, iteration, status, durationMs: Math.round(durationMs), done, total, ...(failure ? { failure } : {}) })}\n`);
      } else stream.write(`${format.formatScenarioResult(result, { color, verbose: opts.verbose })}\n`);
      draw();
    },
    start: draw,
    end: clear,
  };
}

export async function run(ctx: CommandContext, paths: string[], opts: RunOptions) {
  const sources = collectSources(paths);
  const { MAX_CONCURRENCY, MAX_REPEAT } = await import('../../core/scenario/limits.js');
  const concurrency = positiveInt(opts.concurrency, '--concurrency', MAX_CONCURRENCY);
  const repeat = positiveInt(opts.repeat, '--repeat', MAX_REPEAT);
  const seed = ctx.config.seed;
  const reporter = ctx.io.json && opts.reporter === 'human' ? 'json' : opts.reporter;
  const { partitionScenarios } = await import('../../core/scenario/validateScenarios.js');
  const reporters = await import('../../core/scenario/reporters/index.js');
  // Every invalid file is reported; the valid ones still run (the exit code says the suite is broken).
  const { valid, invalid } = partitionScenarios(sources);
  const invalidFiles = invalid.map((v) => ({ file: v.name, errors: v.errors }));
  if (invalidFiles.length) {
    if (ctx.io.json) for (const f of invalidFiles) ctx.io.stderr.write(`${JSON.stringify({ code: 'SCENARIO_INVALID', message: `${f.file} is invalid`, details: f })}\n`);
    else message(ctx.io, reporters.formatInvalidFiles({ invalid: invalidFiles }));
  }
  const humanOnStdout = reporter === 'human' && !opts.output;
  const progress = progressPrinter(ctx, opts, humanOnStdout, valid.length * repeat, reporters);
  let report: RunReport;
  progress.start();
  try {
    if (valid.length === 0) report = { seed: seed ?? '-', total: 0, passed: 0, failed: 0, durationMs: 0, results: [] };
    else if (ctx.config.server) report = await runOnServer(ctx, sources.filter((s) => valid.some((v) => v.file === s.name)), { seed, repeat, concurrency }, progress.scenario);
    else {
      const { runScenarios } = await import('../../core/scenario/runScenarios.js');
      report = await runScenarios({ scenarios: valid, seed, repeat, concurrency, rpId: ctx.config.rpId, onProgress: (_done, _total, result) => progress.scenario(result) });
    }
  } finally {
    progress.end();
  }
  if (invalidFiles.length) report = { ...report, invalid: invalidFiles };
  const summary = reporters.formatSummary(report, { color: humanOnStdout ? ctx.io.color : false });
  if (humanOnStdout) {
    // The scenario lines are already out, each as it settled: only the summary is left.
    ctx.io.stdout.write(`\n${summary}\n`);
  } else {
    const text =
      reporter === 'json'
        ? reporters.formatJson(report)
        : reporter === 'junit'
          ? reporters.formatJunit(report, { cases: opts.junitPerScenario ? 'scenario' : 'step' })
          : reporter === 'tap'
            ? reporters.formatTap(report)
            : reporters.formatHuman(report, { color: false, verbose: opts.verbose });
    // CI reads this file: never leave it half written (a crash, a full disk).
    if (opts.output) writeFileAtomic(opts.output, text, { what: 'the report' });
    else ctx.io.stdout.write(text);
    if (!ctx.io.json) message(ctx.io, `${summary}${opts.output ? ` — report written to ${opts.output}` : ''}`);
  }
  if (invalidFiles.length) return EXIT.DATA;
  return report.failed > 0 ? EXIT.FAILURE : EXIT.OK;
}

type ScenarioResult = import('../../core/scenario/report.js').ScenarioResult;

/** Over --server: start the run, then follow its progress events (the console's channel pair). */
async function runOnServer(
  ctx: CommandContext,
  sources: ScenarioSource[],
  options: { seed?: string; repeat: number; concurrency: number },
  onScenario: (result: ScenarioResult) => void,
): Promise<RunReport> {
  const api = await ctx.harness();
  const { runId } = await api['scenarios.start']({ sources, ...options });
  const steps = new Map<string, ScenarioResult['steps']>();
  let after = 0;
  for (;;) {
    const progress = await api['scenarios.progress']({ runId, after });
    for (const event of progress.events) {
      after = event.seq;
      const key = `${event.file}#${event.iteration}`;
      if (event.type === 'step') steps.set(key, [...(steps.get(key) ?? []), event.step]);
      else {
        const { scenario: name, file, iteration, status, durationMs, failure } = event;
        onScenario({ name, file, iteration, status, durationMs, seed: '', steps: steps.get(key) ?? [], ...(failure ? { failure } : {}) });
        steps.delete(key);
      }
    }
    if (progress.done) {
      if (progress.result) return progress.result;
      throw new CliError(progress.error?.code ?? 'INTERNAL', progress.error?.message ?? 'the scenario run ended without a report');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function schema(ctx: CommandContext) {
  const { scenarioJsonSchema } = await import('../../core/scenario/scenarioJsonSchema.js');
  ctx.io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
}
