import type { z } from 'zod';
import { HarnessError, isHarnessErrorCode, toErrorData, type ErrorData, type Reply } from '../errors.js';

/**
 * One reply shape for every boundary (HTTP body, IPC reply, the HTTP client, the renderer's
 * bridge): `{ ok: true, value }` or `{ ok: false, error: { code: HarnessErrorCode, message, details? } }`.
 * Browser-safe (no Node imports): the renderer bundles it.
 */
export type { Reply, ErrorData as ReplyError };

/** Anything thrown, as a failed reply: code + message (+ details), never a stack. */
export function failedReply(error: unknown): Reply<never> {
  return { ok: false, error: toErrorData(error) };
}

/**
 * A reply from the other side of a boundary back into its value, or a thrown HarnessError with
 * its code (a code this build does not know becomes INTERNAL). Anything that is not a reply
 * throws `malformed()`.
 */
export function unwrapReply<T>(reply: unknown, malformed: () => HarnessError): T {
  const r = reply as Reply<T> | null | undefined;
  if (r && r.ok === true) return r.value;
  if (r && r.ok === false && r.error) {
    const code = isHarnessErrorCode(r.error.code) ? r.error.code : 'INTERNAL';
    throw new HarnessError(code, r.error.message, r.error.details ? { details: r.error.details } : undefined);
  }
  throw malformed();
}

/** One issue of a refused input: a dotted path (`root` for the input itself) and zod's message. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * The one zod-error formatter: `INVALID_INPUT` whose message names the first issue
 * (`{subject}: {path}: {message}`) and whose `details.issues` lists them all.
 */
export function invalidInput(error: z.ZodError, subject: string, root = '(input)'): HarnessError {
  const issues: InputIssue[] = error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || root, message: issue.message }));
  const first = issues[0];
  return new HarnessError('INVALID_INPUT', `${subject}: ${first ? `${first.path}: ${first.message}` : 'invalid input'}`, { details: { issues } });
}
