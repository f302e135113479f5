import type { CommandContext } from '../context.js';
import { padEnd, printData } from '../output.js';
import { oneLine } from '../../core/terminalText.js';
import type { LocalAuthDecision } from '../../core/authenticator/index.js';
import type { FaultName } from '../../core/journey/faults.js';
import type { EnrollResult, FlowStep, LoginResult } from '../../core/harness/types.js';

/** `--fault a --fault b` → `{ a: true, b: true }` (the channels' faults object); none → undefined. */
function armed(names: FaultName[] | undefined): Partial<Record<FaultName, boolean>> | undefined {
  return names?.length ? Object.fromEntries(names.map((n) => [n, true])) : undefined;
}

// Names and details echo what users chose: one line each (printData escapes the rest; demo writes directly).
function stepLines(steps: FlowStep[]): string {
  return steps.map((s) => `${padEnd(s.step, 6)} ${s.title}${s.skipped ? ' (skipped)' : ''}${s.detail ? ` — ${oneLine(s.detail)}` : ''}`).join('\n');
}

const enrolled = (r: EnrollResult) => `${stepLines(r.steps)}\npasskey ${oneLine(r.passkey.credentialId)} registered for ${oneLine(r.username)} on ${oneLine(r.phone)}`;
const loggedIn = (r: LoginResult) => `${stepLines(r.steps)}\nlogged in as ${oneLine(r.username)} with ${oneLine(r.credentialId)} (${r.mode}, signCount ${r.signCount})`;

export async function enroll(
  ctx: CommandContext,
  username: string,
  opts: { phone: string; stepUp: 'email' | 'totp'; email?: string; password: string; decision: LocalAuthDecision; passkeyName?: string; attestation?: 'none' | 'indirect' | 'direct' | 'enterprise'; fault?: FaultName[] },
) {
  const result = await (await ctx.harness()).enroll({
    username,
    phone: opts.phone,
    stepUp: opts.stepUp,
    email: opts.email,
    password: opts.password,
    decision: opts.decision,
    passkeyName: opts.passkeyName,
    attestation: opts.attestation,
    faults: armed(opts.fault),
  });
  printData(ctx.io, result, enrolled);
}

export async function login(ctx: CommandContext, username: string | undefined, opts: { phone: string; discoverable?: boolean; decision: LocalAuthDecision; fault?: FaultName[] }) {
  const mode = opts.discoverable || username === undefined ? 'discoverable' : 'username-first';
  const result = await (await ctx.harness()).login({
    username: mode === 'username-first' ? username : undefined,
    phone: opts.phone,
    mode,
    decision: opts.decision,
    faults: armed(opts.fault),
  });
  printData(ctx.io, result, loggedIn);
}

/** A whole tour in one command: phone, user, seed-flow enrolment, passkey login. */
export async function demo(ctx: CommandContext, opts: { profile: string; stepUp: 'email' | 'totp' }) {
  // Without an explicit --db the demo leaves nothing behind.
  if (ctx.config.sources.db === 'default' && !ctx.config.server) {
    ctx.config.db = ':memory:';
    ctx.config.vault = ':memory:';
  }
  const api = await ctx.harness();
  const suffix = Date.now().toString(36);
  const username = `demo-${suffix}`;
  const phoneName = `demo-phone-${suffix}`;
  const phone = await api['phones.create']({ name: phoneName, profile: opts.profile });
  const user = await api['users.create']({ username, emails: [`${username}@example.test`] });
  if (opts.stepUp === 'totp') await api['otp.enroll']({ username });
  if (!ctx.io.json) ctx.io.stdout.write(`phone ${oneLine(phone.name)} (${oneLine(phone.profileLabel)}), user ${oneLine(user.username)}\n\n`);
  const enrollment = await api.enroll({ username, phone: phoneName, stepUp: opts.stepUp });
  if (!ctx.io.json) ctx.io.stdout.write(`${enrolled(enrollment)}\n\n`);
  const session = await api.login({ username, phone: phoneName, mode: 'username-first' });
  if (ctx.io.json) printData(ctx.io, { phone, user, enrollment, login: session }, () => '');
  else ctx.io.stdout.write(`${loggedIn(session)}\n`);
}
