import type { RpContext } from '../context.js';
import { isStepUpFresh } from '../stepUp/isStepUpFresh.js';
import { requireSession } from './requireSession.js';

/** Who the session belongs to and the step-up it passed, if any (`fresh`: still within `policy.stepUpTtlMs` for its purpose). */
export function getSession(ctx: RpContext, opts: { sessionId: string }) {
  const { session, account } = requireSession(ctx, opts.sessionId);
  return {
    accountId: account.id,
    loginId: account.loginId,
    displayName: account.displayName,
    stepUp:
      session.stepUpAt === null
        ? null
        : { method: session.stepUpMethod, purpose: session.stepUpPurpose, at: session.stepUpAt, fresh: isStepUpFresh(ctx, session, session.stepUpPurpose ?? '') },
  };
}
