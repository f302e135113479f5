import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { message, printData } from '../output.js';
import type { RunReport } from '../../core/scenario/report.js';

export interface ScenarioSource {
  name: string;
  text: string;
}

/** Files as given, directories expanded to their *.yaml / *.yml (sorted, recursive). */
export function collectSources(paths: string[], cwd = process.cwd()): ScenarioSource[] {
  const files: string[] = [];
  const walk = (path: string) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new CliError('USAGE', `no such file or directory: ${path}`);
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        const child = join(path, entry);
        if (statSync(child).isDirectory() || /\.ya?ml$/i.test(entry)) walk(child);
      }
    } else files.push(path);
  };
  for (const path of paths) walk(path);
  if (files.length === 0) throw new CliError('USAGE', `no scenario files in ${paths.join(', ')}`);
  return files.map((file) => ({ name: relative(cwd, file) || file, text: readFileSync(file, 'utf8') }));
}

function positiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new CliError('USAGE', `${flag} must be a positive integer, got "${text}"`);
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
  printData(ctx.io, results, (rows) =>
    rows.map((r) => (r.ok ? `ok    ${r.name}` : `FAIL  ${r.name}\n${r.errors.map((e) => `      ${e.path}: ${e.message}`).join('\n')}`)).join('\n'),
  );
  const bad = results.filter((r) => !r.ok);
  if (bad.length) {
    message(ctx.io, `SCENARIO_INVALID: ${bad.length} of ${results.length} scenario file(s) invalid`);
    return EXIT.DATA;
  }
  return EXIT.OK;
}

export async function run(ctx: CommandContext, paths: string[], opts: { reporter: 'human' | 'json' | 'junit' | 'tap'; output?: string; concurrency: string; repeat: string; verbose?: boolean }) {
  const sources = collectSources(paths);
  const concurrency = positiveInt(opts.concurrency, '--concurrency');
  const repeat = positiveInt(opts.repeat, '--repeat');
  const seed = ctx.config.seed;
  const reporter = ctx.io.json && opts.reporter === 'human' ? 'json' : opts.reporter;
  let report: RunReport;
  if (ctx.config.server) {
    report = await (await ctx.harness())['scenarios.run']({ sources, seed, repeat, concurrency });
  } else {
    const { loadScenarios } = await import('../../core/scenario/validateScenarios.js');
    const { runScenarios } = await import('../../core/scenario/runScenarios.js');
    const progress = Boolean(ctx.io.stderr.isTTY);
    report = await runScenarios({
      scenarios: loadScenarios(sources),
      seed,
      repeat,
      concurrency,
      rpId: ctx.config.rpId,
      onProgress: progress ? (done, total, result) => message(ctx.io, `[${done}/${total}] ${result.status === 'passed' ? 'ok  ' : 'FAIL'} ${result.name}`) : undefined,
    });
  }
  const reporters = await import('../../core/scenario/reporters/index.js');
  const text =
    reporter === 'json'
      ? reporters.formatJson(report)
      : reporter === 'junit'
        ? reporters.formatJunit(report)
        : reporter === 'tap'
          ? reporters.formatTap(report)
          : reporters.formatHuman(report, { color: opts.output ? false : ctx.io.color, verbose: opts.verbose });
  if (opts.output) {
    writeFileSync(opts.output, text);
    message(ctx.io, `${report.passed} passed, ${report.failed} failed (${report.total} scenarios) — report written to ${opts.output}`);
  } else {
    ctx.io.stdout.write(text);
  }
  for (const failed of report.results.filter((r) => r.failure)) {
    message(ctx.io, `EXPECTATION_FAILED: ${failed.name} (${failed.file}) failed at step "${failed.failure!.step}": ${failed.failure!.code}: ${failed.failure!.message}`);
  }
  return report.failed > 0 ? EXIT.FAILURE : EXIT.OK;
}

export async function schema(ctx: CommandContext) {
  const { scenarioJsonSchema } = await import('../../core/scenario/scenarioJsonSchema.js');
  ctx.io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
}
