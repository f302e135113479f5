import type { SessionRow } from '../../store/index.js';
import type { RpContext } from '../context.js';

/** The gate of seed steps 3–4: a step-up counts only for its purpose and for `policy.stepUpTtlMs` (5 minutes). */
export function isStepUpFresh(ctx: RpContext, session: SessionRow, purpose: string): boolean {
  return session.stepUpAt !== null && session.stepUpPurpose === purpose && ctx.clock.now() - session.stepUpAt <= ctx.policy.stepUpTtlMs;
}
