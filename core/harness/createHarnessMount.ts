import { toErrorData } from '../errors.js';
import type { HarnessReply } from './channels.js';
import type { Harness } from './createHarness.js';
import { handleHarnessCall } from './handleHarnessCall.js';
import type { HarnessCaller } from './types.js';

/**
 * What core/http mounts at `POST /api/harness/:channel`: the bearer token names the admin, and
 * the call runs as that admin (`harness.as`), so the audit log names who acted, never a
 * built-in identity or one the payload claims. No token or an unknown one → 401 (core/http).
 */
export function createHarnessMount(harness: Harness): {
  authenticate(token: string | undefined): HarnessCaller | undefined;
  handle(channel: string, input: unknown, caller: HarnessCaller): Promise<HarnessReply>;
} {
  return {
    authenticate: (token) => (token === undefined ? undefined : harness.authenticate(token)),
    async handle(channel, input, caller) {
      try {
        return await handleHarnessCall(harness.as(caller), channel, input);
      } catch (error) {
        return { ok: false, error: toErrorData(error) };
      }
    },
  };
}
