import { HarnessError } from '../../errors.js';
import type { RpContext } from '../context.js';

export interface WrongCodeOutcome {
  locked: boolean;
  /** Wrong codes left before the lock (0 once locked). */
  attemptsLeft: number;
}

/**
 * A wrong one-time code, emailed or from the OTP app (a step-up, or the first code that confirms the
 * OTP service): it counts toward the account's timed lock, and at the limit the account's sessions end.
 * Inside the caller's transaction, with its audit row.
 */
export function recordWrongCode(ctx: RpContext, accountId: number, now: number): WrongCodeOutcome {
  const failure = ctx.store.accounts.recordStepUpFailure(accountId, ctx.policy.maxStepUpFailures, now + ctx.policy.stepUpLockMs);
  if (failure.locked) ctx.store.sessions.deleteForAccount(accountId);
  return { locked: failure.locked, attemptsLeft: failure.locked ? 0 : ctx.policy.maxStepUpFailures - failure.failedStepUps };
}

export function lockMinutes(ctx: RpContext): number {
  return Math.ceil(ctx.policy.stepUpLockMs / 60_000);
}

/** What the customer is told when a wrong code locked the account. */
export function lockedByWrongCodes(ctx: RpContext, now: number): HarnessError {
  return new HarnessError('ACCOUNT_LOCKED', `too many wrong codes: log in again after ${lockMinutes(ctx)} minutes`, { details: { lockedUntil: now + ctx.policy.stepUpLockMs, lockMinutes: lockMinutes(ctx) } });
}
