import { hash } from 'node:crypto';

/** The bytes a row's hash covers: every column but the hashes, in a fixed order. */
export function canonicalAuditRow(r: { id: number; at: number; actor: string; action: string; outcome: string; code: string | null; accountId: number | null; details: string }): string {
  return JSON.stringify([r.id, r.at, r.actor, r.action, r.outcome, r.code, r.accountId, r.details]);
}

/** `hash = sha256hex(prevHash || canonicalJSON(row))`: each row commits to every row before it. */
export function chainHash(prevHash: string, canonical: string): string {
  // One input: prevHash is hex (ASCII), so its UTF-8 bytes then the row's are the bytes of the joined string.
  return hash('sha256', prevHash + canonical, 'hex');
}
