/**
 * Exit codes of `passkey-harness` (documented in `--help` and docs/CONTRACTS.md § cli).
 * Scripts can tell "the scenario failed" from "you called it wrong" from "the server is down".
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  UNAVAILABLE: 3,
  DATA: 4,
  NOT_FOUND: 5,
  REFUSED: 6,
  INTERNAL: 70,
} as const;

const USAGE_CODES = new Set(['USAGE', 'INVALID_INPUT', 'REASON_REQUIRED']);
const DATA_CODES = new Set(['SCENARIO_INVALID', 'CONFIG_INVALID', 'VAULT_IMPORT_INVALID', 'BASE64URL_INVALID', 'CBOR_MALFORMED', 'ATTESTATION_MALFORMED', 'CLIENTDATA_MALFORMED', 'AUTHDATA_MALFORMED']);
const NOT_FOUND_CODES = new Set(['NOT_FOUND', 'ACCOUNT_NOT_FOUND', 'PHONE_NOT_FOUND', 'PASSKEY_NOT_FOUND', 'ADMIN_NOT_FOUND', 'CREDENTIAL_UNKNOWN', 'PROFILE_UNKNOWN']);

export function exitCodeFor(code: string): number {
  if (code === 'EXPECTATION_FAILED') return EXIT.FAILURE;
  if (USAGE_CODES.has(code)) return EXIT.USAGE;
  if (code === 'SERVER_UNAVAILABLE') return EXIT.UNAVAILABLE;
  if (DATA_CODES.has(code)) return EXIT.DATA;
  if (NOT_FOUND_CODES.has(code)) return EXIT.NOT_FOUND;
  if (code === 'INTERNAL') return EXIT.INTERNAL;
  return EXIT.REFUSED;
}

export const EXIT_CODES_HELP = `Exit codes:
  0   ok
  1   scenario or expectation failed
  2   usage error (bad flags or arguments, missing --reason)
  3   server unavailable (--server URL not reachable)
  4   bad data (invalid scenario, config or import file)
  5   not found (user, phone, passkey)
  6   refused by the harness (any other error code, e.g. OTP_INVALID)
  70  internal error`;
