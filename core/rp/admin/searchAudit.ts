import { HarnessError } from '../../errors.js';
import type { AuditPasskey } from '../../store/repositories/audit.js';
import { MAX_CREDENTIAL_ID_CHARS } from '../../webauthn/credentialIdLimits.js';
import { fromBase64url } from '../../webauthn/index.js';
import type { RpContext } from '../context.js';
import { requireAdmin } from './requireAdmin.js';

/** The credential ID as support pastes it: base64url, unpadded, canonical (fromBase64url's rules), 1..1023 bytes; else INVALID_INPUT. */
function credentialIdOf(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CREDENTIAL_ID_CHARS) {
    throw new HarnessError('INVALID_INPUT', `credentialId must be 1–${MAX_CREDENTIAL_ID_CHARS} base64url characters`);
  }
  try {
    fromBase64url(value, 'credentialId');
  } catch (error) {
    throw new HarnessError('INVALID_INPUT', 'credentialId must be unpadded, canonical base64url (A–Z a–z 0–9 - _)', { cause: error });
  }
  return value;
}

/**
 * The passkey a search names, by credential ID and/or passkey ID, with its account: an unknown one is
 * PASSKEY_NOT_FOUND (an empty page would read as "no history"); both naming different passkeys is INVALID_INPUT.
 */
function passkeyOf(ctx: RpContext, credentialId: unknown, passkeyId: unknown): AuditPasskey {
  if (passkeyId !== undefined && !(typeof passkeyId === 'number' && Number.isSafeInteger(passkeyId) && passkeyId > 0)) {
    throw new HarnessError('INVALID_INPUT', 'passkeyId must be a positive integer');
  }
  const byCredential = credentialId === undefined ? undefined : ctx.store.passkeys.byCredentialId(credentialIdOf(credentialId));
  if (credentialId !== undefined && !byCredential) throw new HarnessError('PASSKEY_NOT_FOUND', `no passkey with credential ID ${String(credentialId)}`);
  const p = byCredential ?? ctx.store.passkeys.byId(passkeyId as number);
  if (!p) throw new HarnessError('PASSKEY_NOT_FOUND', `no passkey with ID ${String(passkeyId)}`);
  if (passkeyId !== undefined && p.id !== passkeyId) throw new HarnessError('INVALID_INPUT', `credential ID ${p.credentialId} is passkey ${p.id}, not ${String(passkeyId)}`);
  return { id: p.id, accountId: p.accountId, credentialId: p.credentialId, revokedAt: p.revokedAt, revokeReason: p.revokeReason, revokeTicket: p.revokeTicket };
}

/**
 * Viewer: one page of the audit log, newest first, filtered by actor (contains), action (starts
 * with), account, time range [`from`, `to`) in epoch ms and one passkey (`credentialId`, base64url,
 * and/or `passkeyId`: its account's rows whose details name it, and the reset that revoked it);
 * `total` counts all matches. A read: like every viewer read it writes no audit row.
 */
export function searchAudit(
  ctx: RpContext,
  opts: { admin: string; actor?: string; action?: string; accountId?: number; credentialId?: string; passkeyId?: number; from?: number; to?: number; offset?: number; limit?: number },
) {
  requireAdmin(ctx, opts.admin, 'viewer', 'admin.searchAudit');
  for (const key of ['actor', 'action'] as const) {
    const v = opts[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > 128)) throw new HarnessError('INVALID_INPUT', `${key} must be a string of at most 128 characters`);
  }
  for (const key of ['from', 'to'] as const) {
    const v = opts[key];
    if (v !== undefined && !Number.isFinite(v)) throw new HarnessError('INVALID_INPUT', `${key} must be a time in epoch milliseconds`);
  }
  const passkey = opts.credentialId === undefined && opts.passkeyId === undefined ? undefined : passkeyOf(ctx, opts.credentialId, opts.passkeyId);
  if (passkey && opts.accountId !== undefined && opts.accountId !== passkey.accountId) {
    throw new HarnessError('INVALID_INPUT', `passkey ${passkey.id} belongs to account ${passkey.accountId}, not ${opts.accountId}`);
  }
  const limit = Math.min(Math.max(1, Math.trunc(Number(opts.limit ?? 50)) || 50), 500);
  const offset = Math.max(0, Math.trunc(Number(opts.offset ?? 0)) || 0);
  const { rows, total } = ctx.store.audit.search({
    ...(opts.actor ? { actor: opts.actor } : {}),
    ...(opts.action ? { action: opts.action } : {}),
    ...(opts.accountId !== undefined ? { accountId: opts.accountId } : {}),
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    ...(passkey ? { passkey } : {}),
    offset,
    limit,
  });
  return {
    total,
    offset,
    limit,
    entries: rows.map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action, outcome: e.outcome, code: e.code, accountId: e.accountId, details: e.details, hash: e.hash })),
  };
}
