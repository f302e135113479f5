import { createHash } from 'node:crypto';

/** The bytes a row's hash covers: every column but the hashes, in a fixed order. */
export function canonicalAuditRow(r: { id: number; at: number; actor: string; action: string; outcome: string; code: string | null; accountId: number | null; details: string }): string {
  return JSON.stringify([r.id, r.at, r.actor, r.action, r.outcome, r.code, r.accountId, r.details]);
}

/** `hash = sha256hex(prevHash || canonicalJSON(row))`: each row commits to every row before it. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}
