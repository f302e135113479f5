import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../atomicWrite.js';
import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { keyValues, message, printData, table } from '../output.js';
import type { PhoneDetail, PhoneSummary } from '../../core/harness/types.js';
import { oneLine } from '../../core/terminalText.js';

const summary = (p: PhoneSummary) => keyValues(p as unknown as Record<string, unknown>);

/** A custom profile file (JSON): read here, validated by the harness against the published schema. */
function readProfileFile(file: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (error) {
    throw new CliError('CONFIG_INVALID', `${file}: ${(error as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new CliError('CONFIG_INVALID', `${file}: expected a device profile object (see pkh phone profile-schema)`);
  return data as Record<string, unknown>;
}

export async function create(ctx: CommandContext, name: string, opts: { profile: string; profileFile?: string }) {
  const profile = opts.profileFile ? readProfileFile(opts.profileFile) : opts.profile;
  printData(ctx.io, await (await ctx.harness())['phones.create']({ name, profile }), summary);
}

/**
 * Profiles, the profile schema and the fault table are the harness's static data: without --server
 * they come from core directly, so asking for them opens no database and creates no vault.
 */
const local = {
  profiles: async () => {
    const { builtInProfiles, describeProfile } = await import('../../core/authenticator/index.js');
    return Object.values(builtInProfiles).map((p) => describeProfile(p, true));
  },
  profileSchema: async () => (await import('../../core/authenticator/index.js')).profileJsonSchema(),
  faults: async () => (await import('../../core/journey/faults.js')).FAULTS.map((f) => ({ ...f, ceremonies: [...f.ceremonies] })),
};

export async function profiles(ctx: CommandContext) {
  const rows = ctx.config.server ? await (await ctx.harness())['phones.profiles']({}) : await local.profiles();
  printData(ctx.io, rows, (list) =>
    table(
      list.map((p) => ({
        id: p.id,
        aaguid: p.aaguid,
        algorithms: p.algorithmNames.join(' '),
        attestation: p.attestation,
        'BE/BS': `${p.backupEligible ? 1 : 0}/${p.backupState ? 1 : 0}`,
        counter: p.counterPolicy,
        transports: p.transports.join(' '),
        uv: p.uv ? (p.uvMethod ?? 'yes') : 'none',
      })),
      ['id', 'aaguid', 'algorithms', 'attestation', 'BE/BS', 'counter', 'transports', 'uv'],
    ),
  );
}

export async function profileSchema(ctx: CommandContext) {
  // JSON either way: the schema is the output.
  ctx.io.stdout.write(`${JSON.stringify((ctx.config.server ? await (await ctx.harness())['phones.profileSchema']({}) : await local.profileSchema()), null, 2)}\n`);
}

export async function faults(ctx: CommandContext) {
  const list = ctx.config.server ? await (await ctx.harness())['phones.faults']({}) : await local.faults();
  printData(ctx.io, list, (rows) => rows.map((f) => `${f.name}  (${f.ceremonies.join(', ')})\n  does:     ${f.effect}\n  expected: ${f.expected}`).join('\n\n'));
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

export async function exportPhone(ctx: CommandContext, name: string, opts: { output?: string; stdout?: boolean }) {
  // The export holds private keys: printing them takes an explicit --stdout (issue 11 item 4).
  if (opts.output === undefined && !opts.stdout) throw new CliError('USAGE', 'the export contains private keys: use --output FILE (written owner-only) or --stdout to print them');
  if (opts.output !== undefined && opts.stdout) throw new CliError('USAGE', 'use either --output FILE or --stdout, not both');
  const data = await (await ctx.harness())['phones.export']({ name });
  const text = `${JSON.stringify(data, null, 2)}\n`;
  if (opts.output === undefined) {
    ctx.io.stdout.write(text);
    return;
  }
  // Owner-only from the first byte, never through a symlink, and never left half written.
  writeFileAtomic(opts.output, text, { mode: 0o600, noFollow: true, what: 'the phone export' });
  message(ctx.io, `exported ${oneLine(name)} to ${oneLine(opts.output)} (owner-only: contains private keys)`);
  if (ctx.io.json) printData(ctx.io, { name, output: opts.output }, () => '');
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
  printData(ctx.io, await (await ctx.harness())['phones.delete']({ name }), (r) => `deleted ${oneLine(r.name)}`);
}
