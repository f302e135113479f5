import type { Harness } from './createHarness.js';
import { handleHarnessCall } from './handleHarnessCall.js';
import { failedReply, type Reply } from './reply.js';
import type { HarnessCaller } from './types.js';

/**
 * What core/http mounts at `POST /api/harness/:channel`: the bearer token names the admin, and
 * the call runs as that admin (`harness.as`), so the audit log names who acted, never a
 * built-in identity or one the payload claims. No token or an unknown one → 401 (core/http).
 */
export function createHarnessMount(harness: Harness): {
  authenticate(token: string | undefined): HarnessCaller | undefined;
  handle(channel: string, input: unknown, caller: HarnessCaller): Promise<Reply>;
} {
  return {
    authenticate: (token) => (token === undefined ? undefined : harness.authenticate(token)),
    async handle(channel, input, caller) {
      try {
        return await handleHarnessCall(harness.as(caller), channel, input);
      } catch (error) {
        // harness.as refuses a caller whose name exists with another role (CONFIG_INVALID).
        return failedReply(error);
      }
    },
  };
}
