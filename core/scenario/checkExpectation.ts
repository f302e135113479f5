import { HarnessError, type ErrorData } from '../errors.js';
import { userPasskeys } from './executeStep.js';
import type { StepExpectation } from './schema.js';
import { phoneOf, sessionOf, userOf, type World } from '../journey/index.js';

/** `expected`/`actual` (when given) travel in details so reporters (JUnit <failure>) can show them apart. */
function fail(message: string, compared?: { expected: unknown; actual: unknown }): never {
  throw new HarnessError('EXPECTATION_FAILED', message, compared ? { details: { expected: compared.expected, actual: compared.actual } } : undefined);
}

const outcomeOf = (error: ErrorData | undefined) => (error ? `error ${error.code}: ${error.message}` : 'success');

/**
 * Compares a step's outcome and the world's state with `expect`. Without `expect`, a step
 * must succeed. Throws EXPECTATION_FAILED naming what differed.
 */
export async function checkExpectation(world: World, expectation: StepExpectation | undefined, error: ErrorData | undefined): Promise<void> {
  const wantOutcome = expectation?.outcome ?? (expectation?.error ? 'error' : 'ok');
  const wanted = wantOutcome === 'ok' ? 'success' : `error ${expectation?.error ?? '(any code)'}`;
  if (wantOutcome === 'ok' && error) fail(`expected success, got ${error.code}: ${error.message}`, { expected: wanted, actual: outcomeOf(error) });
  if (wantOutcome === 'error' && !error) fail(`expected ${expectation?.error ?? 'an error'}, but the step succeeded`, { expected: wanted, actual: outcomeOf(error) });
  if (expectation?.error && error && error.code !== expectation.error) fail(`expected error ${expectation.error}, got ${error.code}: ${error.message}`, { expected: wanted, actual: outcomeOf(error) });
  if (!expectation) return;

  if (expectation.passkeys) {
    const username = expectation.passkeys.user ?? world.currentUser;
    const passkeys = await userPasskeys(world, username!);
    const count = expectation.passkeys.active ? passkeys.filter((p) => p.revokedAt === null || p.revokedAt === undefined).length : passkeys.length;
    if (count !== expectation.passkeys.count) fail(`expected ${expectation.passkeys.count} ${expectation.passkeys.active ? 'active ' : ''}passkey(s) for ${username}, found ${count}`, { expected: expectation.passkeys.count, actual: count });
  }
  if (expectation.registrationInfo) {
    const user = userOf(world, undefined);
    const info = await world.rp.getRegistrationInfo({ sessionId: sessionOf(user) });
    const rows = info.rows as { key: string; status: string }[];
    for (const [key, status] of Object.entries(expectation.registrationInfo)) {
      const row = rows.find((r) => r.key === key);
      if (!row) fail(`registration info has no row ${key} (rows: ${rows.map((r) => r.key).join(', ')})`);
      if (row.status !== status) fail(`registration info ${key}: expected ${status}, got ${row.status}`, { expected: status, actual: row.status });
    }
  }
  if (expectation.audit) {
    const { entries } = await world.rp.admin.readAudit({ admin: world.admin, limit: 100_000 });
    for (const want of expectation.audit) {
      const matching = (entries as { action: string; outcome: string; code?: string | null; details?: Record<string, unknown> }[]).filter(
        (e) =>
          e.action === want.action &&
          (want.outcome === undefined || e.outcome === want.outcome) &&
          (want.code === undefined || e.code === want.code) &&
          Object.entries(want.details ?? {}).every(([key, value]) => e.details?.[key] === value),
      );
      const label = `${want.action}${want.outcome ? `/${want.outcome}` : ''}${want.code ? `/${want.code}` : ''}${want.details ? ` ${JSON.stringify(want.details)}` : ''}`;
      if (want.count !== undefined && matching.length !== want.count) fail(`expected ${want.count} audit entr${want.count === 1 ? 'y' : 'ies'} ${label}, found ${matching.length}`);
      if (want.count === undefined && matching.length === 0) {
        const seen = [...new Set((entries as { action: string }[]).map((e) => e.action))].join(', ');
        fail(`expected an audit entry ${label}; actions seen: ${seen || '(none)'}`);
      }
    }
  }
  if (expectation.mailbox) {
    const { to, count, subjectContains, textContains } = expectation.mailbox;
    const { messages } = await world.rp.listMail(to === undefined ? {} : { to });
    const list = messages as { id: number | string; subject: string; text: string }[];
    if (count !== undefined && list.length !== count) fail(`expected ${count} message(s)${to ? ` to ${to}` : ''}, found ${list.length}`, { expected: count, actual: list.length });
    const newest = [...list].sort((a, b) => Number(b.id) - Number(a.id))[0];
    if (subjectContains !== undefined && !newest?.subject.includes(subjectContains)) fail(`newest message subject does not contain "${subjectContains}"`);
    if (textContains !== undefined && !newest?.text.includes(textContains)) fail(`newest message text does not contain "${textContains}"`);
  }
  if (expectation.phoneCredentials) {
    const found = phoneOf(world, expectation.phoneCredentials.phone).credentials.list().length;
    if (found !== expectation.phoneCredentials.count) fail(`expected ${expectation.phoneCredentials.count} credential(s) on ${expectation.phoneCredentials.phone}, found ${found}`, { expected: expectation.phoneCredentials.count, actual: found });
  }
  if (expectation.auditChain === 'intact') {
    const result = await world.rp.admin.verifyAudit({ admin: world.admin });
    if (!result.ok) fail(`audit chain broken at ${String(result.brokenAt)}`);
  }
}
