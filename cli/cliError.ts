import { isHarnessErrorCode } from '../core/errors.js';

/**
 * An error the CLI raises itself (before or around core): same `code: message` shape as
 * HarnessError. This module loads only core/errors.ts (no dependencies), so `--help` stays cheap.
 */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The stable code to report: a harness code as thrown; a file-system error on a path the caller named
 * (`ENOENT`, `EACCES`, `EISDIR`, `ELOOP`, …) is USAGE with Node's message; anything else (a raw OpenSSL
 * or SQLite code) is not ours to pass on and reports as INTERNAL.
 */
export function errorCodeOf(error: unknown): string | undefined {
  if (error instanceof CliError) return error.code;
  if (!error || typeof error !== 'object') return undefined;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (isHarnessErrorCode(code)) return code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof syscall === 'string') return 'USAGE';
  return undefined;
}
