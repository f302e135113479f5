import { readFileSync } from 'node:fs';
import { CliError, errorCodeOf } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { printData } from '../output.js';
import { EXIT } from '../exitCodes.js';
import type { CeremonyInspection } from '../../core/inspect/index.js';
import { oneLine } from '../../core/terminalText.js';

const MARK = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const;

/** Every value comes from the response file: one line each, control characters escaped. */
function human(i: CeremonyInspection): string {
  const lines = [`${i.kind} response ${oneLine(i.credentialId)}`];
  if (i.clientData) lines.push('', 'clientData:', ...Object.entries(i.clientData).map(([k, v]) => `  ${oneLine(k)}: ${oneLine(String(v))}`));
  if (i.authData) {
    const f = i.authData.flags;
    lines.push('', 'authData:', `  rpIdHash: ${i.authData.rpIdHash}`, `  flags: ${i.authData.flagsByte} UP=${+f.up} UV=${+f.uv} BE=${+f.be} BS=${+f.bs} AT=${+f.at} ED=${+f.ed}`, `  signCount: ${i.authData.signCount}`);
    if (i.authData.aaguid) lines.push(`  aaguid: ${i.authData.aaguid}`, `  credentialId: ${oneLine(i.authData.credentialId ?? '')}`);
  }
  if (i.attestation) lines.push('', `attestation: fmt ${oneLine(i.attestation.fmt)}`, ...Object.entries(i.attestation.statement).map(([k, v]) => `  ${oneLine(k)}: ${oneLine(String(v))}`));
  if (i.coseKey) lines.push('', 'COSE key:', ...Object.entries(i.coseKey).map(([k, v]) => `  ${oneLine(k)}: ${oneLine(String(v))}`));
  lines.push('', 'checks:', ...i.steps.map((s) => `  ${MARK[s.status]}  ${s.spec.padEnd(24)} ${s.label}${s.detail ? ` — ${oneLine(s.detail)}` : ''}`));
  return lines.join('\n');
}

/** `pkh inspect <response.json>`: exit 1 when a check fails (like a failed expectation), 0 otherwise. */
export async function inspect(ctx: CommandContext, file: string, opts: { challenge?: string }) {
  let response: unknown;
  try {
    response = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (error) {
    throw new CliError('INVALID_INPUT', `${file}: ${(error as Error).message}`);
  }
  if (!response || typeof response !== 'object' || Array.isArray(response)) throw new CliError('INVALID_INPUT', `${file}: expected a RegistrationResponseJSON or AuthenticationResponseJSON object`);
  const result = await inspectWith(ctx, response as Record<string, unknown>, opts.challenge).catch((error: unknown) => {
    // `{}` and the like are no WebAuthn response (core says what one must contain): name the file too.
    if (errorCodeOf(error) === 'INVALID_INPUT') throw new CliError('INVALID_INPUT', `${file}: ${(error as Error).message}`);
    throw error;
  });
  printData(ctx.io, result, human);
  return result.steps.some((s) => s.status === 'fail') ? EXIT.FAILURE : EXIT.OK;
}

/**
 * Without --server nothing needs a database: the same core function the inspect.ceremony channel runs,
 * with the harness's defaults (RP ID localhost, origin http://<rpId>:8787).
 */
async function inspectWith(ctx: CommandContext, response: Record<string, unknown>, challenge: string | undefined): Promise<CeremonyInspection> {
  return ctx.config.server
    ? await (await ctx.harness())['inspect.ceremony']({
        response,
        // Unset → the server's own RP ID and origin.
        ...(ctx.config.sources.rpId === 'default' ? {} : { rpId: ctx.config.rpId }),
        ...(ctx.config.origin ? { origin: ctx.config.origin } : {}),
        ...(challenge ? { challenge } : {}),
      })
    : (await import('../../core/inspect/index.js')).inspectCeremony({
        response,
        rpId: ctx.config.rpId,
        expectedOrigin: ctx.config.origin ?? `http://${ctx.config.rpId}:8787`,
        ...(challenge ? { expectedChallenge: challenge } : {}),
      });
}
