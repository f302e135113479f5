import { writeFileAtomic } from '../atomicWrite.js';
import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { message, printData, table } from '../output.js';

function format(value: string | undefined): 'pem' | 'der' {
  const f = value ?? 'pem';
  if (f !== 'pem' && f !== 'der') throw new CliError('USAGE', `--format must be pem or der, got "${f}"`);
  return f;
}

/** Certificates as PEM text, or DER bytes (one certificate only: DER has no concatenation). */
function emit(ctx: CommandContext, result: { pem: string; der: string[] }, opts: { output?: string; format?: string }, what: string) {
  const f = format(opts.format);
  if (f === 'der' && result.der.length !== 1) throw new CliError('USAGE', `${what} has ${result.der.length} certificates: DER holds one, use --format pem`);
  const bytes = f === 'pem' ? Buffer.from(result.pem) : Buffer.from(result.der[0]!, 'base64');
  if (opts.output) {
    writeFileAtomic(opts.output, bytes, { what });
    message(ctx.io, `wrote ${what} to ${opts.output} (${f.toUpperCase()})`);
    if (ctx.io.json) printData(ctx.io, { output: opts.output, format: f }, () => '');
  } else if (ctx.io.json) printData(ctx.io, { format: f, pem: result.pem, der: result.der }, () => '');
  // process.stdout takes bytes too: DER goes out unchanged.
  else (ctx.io.stdout as { write(chunk: string | Uint8Array): unknown }).write(f === 'pem' ? result.pem : bytes);
}

export async function caExport(ctx: CommandContext, opts: { output?: string; format?: string; chain?: string }) {
  const result = await (await ctx.harness())['ca.export']({ chain: opts.chain });
  emit(ctx, result, opts, opts.chain ? `the ${opts.chain} attestation chain` : 'the attestation root');
}

export async function mdsRoot(ctx: CommandContext, opts: { output?: string; format?: string }) {
  const result = await (await ctx.harness())['mds.root']({});
  emit(ctx, result, opts, 'the MDS root');
}

export async function mdsBlob(ctx: CommandContext, opts: { output?: string; broken?: string }) {
  const result = await (await ctx.harness())['mds.blob']({ broken: opts.broken as never });
  if (opts.output) {
    writeFileAtomic(opts.output, `${result.blob}\n`, { what: 'the metadata BLOB' });
    message(ctx.io, `wrote metadata BLOB no ${result.no} to ${opts.output}`);
    if (ctx.io.json) printData(ctx.io, { output: opts.output, no: result.no }, () => '');
  } else printData(ctx.io, result, (r) => r.blob);
}

export async function mdsStatus(ctx: CommandContext, aaguid: string, status: string, opts: { effective?: string }) {
  const result = await (await ctx.harness())['mds.status']({ aaguid: aaguid.toLowerCase(), status: status as never, effective: opts.effective });
  printData(ctx.io, result, (r) => `${r.aaguid}: ${r.report.status} effective ${r.report.effectiveDate} (BLOB no ${r.no})`);
}

export async function mdsList(ctx: CommandContext) {
  const rows = await (await ctx.harness())['mds.list']({});
  printData(ctx.io, rows, (r) => table(r.entries as unknown as Record<string, unknown>[], ['aaguid', 'profile', 'description', 'status', 'effectiveDate', 'reports']) + `\nBLOB no ${r.no}${r.serving ? `, serving a broken BLOB (${r.serving})` : ''}`);
}

export async function mdsServe(ctx: CommandContext, mode: string) {
  const result = await (await ctx.harness())['mds.serve']({ broken: mode === 'good' ? null : (mode as never) });
  printData(ctx.io, result, (r) => (r.serving ? `serving a broken BLOB (${r.serving}) from now on` : 'serving the good BLOB'));
}
