import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { failureMessage, keyValues, printData, table } from '../output.js';
import type { AuditEntry } from '../../core/harness/types.js';
import { oneLine } from '../../core/terminalText.js';

const passkeyColumns = ['credentialId', 'name', 'authenticatorName', 'aaguid', 'signCount', 'backupState', 'createdAt', 'lastUsedAt', 'revokedAt'];

function required(value: string, flag: string): string {
  if (value.trim() === '') throw new CliError('USAGE', `${flag} must not be empty`);
  return value;
}

export async function passkeys(ctx: CommandContext, username: string) {
  const rows = await (await ctx.harness())['admin.passkeys']({ username });
  printData(ctx.io, rows, (r) => table(r as unknown as Record<string, unknown>[], passkeyColumns));
}

export async function inspect(ctx: CommandContext, credentialId: string) {
  const row = await (await ctx.harness())['admin.inspect']({ credentialId });
  printData(ctx.io, row, (r) => `${keyValues(r as unknown as Record<string, unknown>)}\n${attestationLines(r.attestation)}`);
}

/** The attestation decision at registration (docs/ATTESTATION.md), as aligned lines under the key/values. */
function attestationLines(a: Awaited<ReturnType<Awaited<ReturnType<CommandContext['harness']>>['admin.inspect']>>['attestation']): string {
  if (!a) return 'attestation        - (registered before attestation was recorded)';
  const lines = [`attestation        ${a.fmt} ${a.type}, trust path ${a.trustPath} (policy ${a.policy})`];
  if (a.anchor) lines.push(`  anchor           ${a.anchor}`);
  if (a.metadata) lines.push(`  model            ${a.metadata.description}: ${a.metadata.status ?? 'no status'}${a.metadata.effectiveDate ? ` since ${a.metadata.effectiveDate}` : ''} (MDS BLOB no ${a.metadata.no})`);
  return lines.join('\n');
}

export async function revoke(ctx: CommandContext, credentialId: string, opts: { reason: string; ticket: string }) {
  const result = await (await ctx.harness())['admin.revoke']({ credentialId, reason: required(opts.reason, '--reason'), ticket: required(opts.ticket, '--ticket') });
  printData(ctx.io, result, (r) => `revoked ${oneLine(r.credentialId)} at ${r.revokedAt}`);
}

export async function reset(ctx: CommandContext, username: string, opts: { reason: string; ticket: string }) {
  const result = await (await ctx.harness())['admin.reset']({ username, reason: required(opts.reason, '--reason'), ticket: required(opts.ticket, '--ticket') });
  printData(ctx.io, result, (r) => `revoked ${r.revoked} passkey(s) of ${oneLine(r.username)}`);
}

/** The most rows `admin.auditSearch` returns a call. */
const SEARCH_PAGE = 500;

/**
 * `--credential`: one passkey's rows come from `admin.auditSearch` (newest first, paged), so the output
 * is the same `AuditEntry[]`, oldest first, as without it. An unknown credential is PASSKEY_NOT_FOUND (exit 5).
 */
async function passkeyAudit(harness: Awaited<ReturnType<CommandContext['harness']>>, opts: { credentialId: string; username?: string; since?: string; limit?: number }) {
  const kept: Awaited<ReturnType<typeof harness['admin.auditSearch']>>['entries'] = [];
  for (let offset = 0; ; offset += SEARCH_PAGE) {
    const page = await harness['admin.auditSearch']({
      credentialId: opts.credentialId,
      ...(opts.username === undefined ? {} : { username: opts.username }),
      ...(opts.since === undefined ? {} : { from: new Date(opts.since).toISOString() }),
      offset,
      limit: SEARCH_PAGE,
    });
    kept.push(...page.entries);
    if ((opts.limit !== undefined && kept.length >= opts.limit) || page.entries.length < SEARCH_PAGE || offset + SEARCH_PAGE >= page.total) break;
  }
  return kept.slice(0, opts.limit).reverse();
}

export async function audit(ctx: CommandContext, opts: { user?: string; credential?: string; since?: string; limit?: string }) {
  if (opts.since !== undefined && Number.isNaN(Date.parse(opts.since))) throw new CliError('USAGE', `--since must be an ISO date, got "${opts.since}"`);
  const limit = opts.limit === undefined ? undefined : Number(opts.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliError('USAGE', '--limit must be a positive integer');
  const harness = await ctx.harness();
  const entries =
    opts.credential === undefined
      ? await harness['admin.audit']({ username: opts.user, since: opts.since, limit })
      : await passkeyAudit(harness, { credentialId: required(opts.credential, '--credential'), ...(opts.user === undefined ? {} : { username: opts.user }), ...(opts.since === undefined ? {} : { since: opts.since }), ...(limit === undefined ? {} : { limit }) });
  printData(ctx.io, entries, auditTable);
}

/**
 * One table for every audit listing (`--user`, `--credential`, neither): who did what to whom, and why.
 * The customer by login ID (the account's numeric ID only once the account is gone); the reason and
 * ticket (or a refusal's code) in WHY.
 */
function auditTable(entries: AuditEntry[]): string {
  const why = (d: Record<string, unknown>) => [d.reason, d.ticket, d.code].filter((v) => typeof v === 'string' && v !== '').join(' · ') || null;
  return table(
    entries.map((e) => ({ ...e, target: e.targetLogin ?? e.target, why: why(e.details) })),
    ['seq', 'at', 'actor', 'action', 'target', 'outcome', 'why'],
  );
}

export async function verifyAudit(ctx: CommandContext) {
  const result = await (await ctx.harness())['admin.verifyAudit']({});
  const summary = (r: typeof result) =>
    r.missing > 0 ? `${r.missing} row(s) missing, first at entry ${r.firstBrokenSeq}` : `first broken at entry ${r.firstBrokenSeq}`;
  printData(ctx.io, result, (r) =>
    r.ok ? `audit chain intact (${r.entries} entries)` : [`audit chain BROKEN: ${summary(r)} (${r.entries} entries intact)`, ...r.problems.map((p) => `  - ${p}`)].join('\n'),
  );
  if (!result.ok) {
    failureMessage(ctx.io, 'AUDIT_TAMPERED', `audit log tampered with: ${summary(result)}`);
    return EXIT.FAILURE;
  }
  return EXIT.OK;
}
