import { readFileSync, writeFileSync } from 'node:fs';
import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { keyValues, message, printData, table } from '../output.js';
import type { PhoneDetail, PhoneSummary } from '../../core/harness/types.js';

const summary = (p: PhoneSummary) => keyValues(p as unknown as Record<string, unknown>);

export async function create(ctx: CommandContext, name: string, opts: { profile: string }) {
  printData(ctx.io, await (await ctx.harness())['phones.create']({ name, profile: opts.profile }), summary);
}

export async function list(ctx: CommandContext) {
  const phones = await (await ctx.harness())['phones.list']({});
  printData(ctx.io, phones, (rows) => table(rows as unknown as Record<string, unknown>[], ['name', 'profile', 'credentialCount', 'createdAt']));
}

export async function show(ctx: CommandContext, name: string) {
  const phone = await (await ctx.harness())['phones.show']({ name });
  printData(ctx.io, phone, (p: PhoneDetail) =>
    [summary(p), '', 'Credentials:', table(p.credentials as unknown as Record<string, unknown>[], ['credentialId', 'rpId', 'userName', 'signCount', 'discoverable'])].join('\n'),
  );
}

export async function rename(ctx: CommandContext, name: string, newName: string) {
  printData(ctx.io, await (await ctx.harness())['phones.rename']({ name, newName }), summary);
}

export async function exportPhone(ctx: CommandContext, name: string, opts: { output?: string }) {
  const data = await (await ctx.harness())['phones.export']({ name });
  const text = `${JSON.stringify(data, null, 2)}\n`;
  if (opts.output) {
    // The export holds private keys: owner-only file.
    writeFileSync(opts.output, text, { mode: 0o600 });
    message(ctx.io, `exported ${name} to ${opts.output} (contains private keys)`);
    if (ctx.io.json) printData(ctx.io, { name, output: opts.output }, () => '');
  } else {
    ctx.io.stdout.write(text);
  }
}

export async function importPhone(ctx: CommandContext, file: string, opts: { name?: string }) {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (error) {
    throw new CliError('VAULT_IMPORT_INVALID', `${file}: ${(error as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new CliError('VAULT_IMPORT_INVALID', `${file}: expected a phone export object`);
  printData(ctx.io, await (await ctx.harness())['phones.import']({ data: data as Record<string, unknown>, name: opts.name }), summary);
}

export async function remove(ctx: CommandContext, name: string) {
  printData(ctx.io, await (await ctx.harness())['phones.delete']({ name }), (r) => `deleted ${r.name}`);
}
