import { HarnessError, invalidInput, isHarnessErrorCode, toErrorData, type ErrorData, type InputIssue, type Reply } from '../errors.js';

/**
 * One reply shape for every boundary (HTTP body, IPC reply, the HTTP client, the renderer's
 * bridge): `{ ok: true, value }` or `{ ok: false, error: { code: HarnessErrorCode, message, details? } }`,
 * and the one formatter of refused input. `Reply` and `invalidInput` are declared in core/errors.ts
 * because core/http needs them and must not import core/harness. Browser-safe: the renderer bundles it.
 */
export type { Reply, ErrorData as ReplyError, InputIssue };
export { invalidInput };

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
