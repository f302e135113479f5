import type { AttestationStatement } from './statement.js';

/** WebAuthn §8.7: no statement at all; also what every profile sends unless the RP asks for direct/indirect/enterprise conveyance. */
export async function noneAttestation(): Promise<AttestationStatement> {
  return { fmt: 'none', attStmt: new Map() };
}
