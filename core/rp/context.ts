import { createHash, createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
import { HarnessError, type HarnessErrorCode } from '../errors.js';
import type { Mailer } from '../mail/mailer.js';
import type { Random } from '../random.js';
import type { Store } from '../store/openStore.js';
import type { AccountRow, SessionRow } from '../store/rows.js';
import { toBase64url } from '../webauthn/base64url.js';
import type { RpPolicy } from './policy.js';

/** What every operation receives: injected collaborators plus the RP's identity. */
export interface RpContext {
  store: Store;
  rpId: string;
  rpName: string;
  origins: string[];
  clock: Clock;
  random: Random;
  mailer: Mailer;
  policy: RpPolicy;
  /** Per-database secret for fake credential IDs (unknown users must look like known ones). */
  secret: Uint8Array;
}

export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(ctx: RpContext, bytes = 32): string {
  return toBase64url(ctx.random.bytes(bytes));
}

export function hmac(key: Uint8Array, data: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

/** Resolves an opaque session ID; missing, unknown or idle-expired → AUTH_REQUIRED. */
export function requireSession(ctx: RpContext, sessionId: unknown): { session: SessionRow; account: AccountRow } {
  if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 256) {
    throw new HarnessError('AUTH_REQUIRED', 'log in first');
  }
  const session = ctx.store.sessions.byTokenHash(hashToken(sessionId));
  const now = ctx.clock.now();
  if (!session) throw new HarnessError('AUTH_REQUIRED', 'session is unknown or has ended');
  if (now - session.lastSeenAt > ctx.policy.sessionIdleMs) {
    ctx.store.sessions.delete(session.id);
    throw new HarnessError('AUTH_REQUIRED', 'session expired');
  }
  const account = ctx.store.accounts.byId(session.accountId);
  if (!account) throw new HarnessError('AUTH_REQUIRED', 'session is unknown or has ended');
  if (account.locked) throw new HarnessError('ACCOUNT_LOCKED', 'account is locked');
  ctx.store.sessions.touch(session.id, now);
  return { session, account };
}

export function isStepUpFresh(ctx: RpContext, session: SessionRow, purpose: string): boolean {
  return session.stepUpAt !== null && session.stepUpPurpose === purpose && ctx.clock.now() - session.stepUpAt <= ctx.policy.stepUpTtlMs;
}

export function audit(
  ctx: RpContext,
  entry: { actor: string; action: string; outcome: 'success' | 'failure'; code?: HarnessErrorCode | string | null; accountId?: number | null; details?: Record<string, unknown> },
): void {
  ctx.store.audit.append({ at: ctx.clock.now(), ...entry });
}

/** Audits a failed operation with its code, then rethrows; non-harness errors are audited as INTERNAL. */
export function auditFailure(ctx: RpContext, error: unknown, entry: { actor: string; action: string; accountId?: number | null; details?: Record<string, unknown> }): never {
  const code = error instanceof HarnessError ? error.code : 'INTERNAL';
  try {
    audit(ctx, { ...entry, outcome: 'failure', code, details: { ...entry.details, message: error instanceof Error ? error.message : String(error) } });
  } catch {
    // The original failure matters more than a failed audit append (e.g. store closed).
  }
  throw error;
}

export function requireString(value: unknown, what: string, max = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new HarnessError('INVALID_INPUT', `${what} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = address.slice(0, at);
  return `${local.slice(0, 1)}${'*'.repeat(Math.max(2, local.length - 1))}${address.slice(at)}`;
}
