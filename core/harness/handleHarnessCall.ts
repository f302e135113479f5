import { HarnessError } from '../errors.js';
import { isChannelName, type HarnessApi } from './channels.js';
import { failedReply, type Reply } from './reply.js';

/**
 * The adapter core/http and Electron main share: route `channel` to the harness and turn any
 * failure into `{ ok: false, error: { code, message } }` (never a stack). The input goes on as
 * sent: the harness validates it once (`bindHarness`; an HTTP client's server does the same).
 */
export async function handleHarnessCall(harness: HarnessApi, channel: string, input: unknown): Promise<Reply> {
  try {
    if (!isChannelName(channel)) throw new HarnessError('NOT_FOUND', `Unknown harness channel: ${channel}`);
    const method = harness[channel] as (value: unknown) => Promise<unknown>;
    const value = await method.call(harness, input);
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    return failedReply(error);
  }
}
