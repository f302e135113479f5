/**
 * An error the CLI raises itself (before or around core): same `code: message` shape as
 * HarnessError without importing core, so `--help` stays cheap.
 */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorCodeOf(error: unknown): string | undefined {
  if (error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') {
    const code = (error as { code: string }).code;
    return /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
  }
  return undefined;
}
