import { inspectCeremony } from '../../inspect/index.js';
import type { HarnessImplementation } from '../channels.js';
import type { HandlerContext } from './context.js';

/** The ceremony inspector over the harness API: the RP ID and origin default to the harness's own. */
export function inspectHandlers(ctx: HandlerContext): Pick<HarnessImplementation, 'inspect.ceremony'> {
  return {
    async 'inspect.ceremony'({ response, rpId, origin, challenge }) {
      return inspectCeremony({ response, rpId: rpId ?? ctx.rpId, expectedOrigin: origin ?? ctx.origin, ...(challenge ? { expectedChallenge: challenge } : {}) });
    },
  };
}
