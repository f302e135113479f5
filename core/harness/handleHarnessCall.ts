import { toErrorData } from '../errors.js';
import type { HarnessApi, HarnessReply } from './channels.js';
import { parseInput } from './parseInput.js';

/**
 * The adapter core/http and Electron main share: validate `input` for `channel`, call the
 * harness, and turn any failure into `{ ok: false, error: { code, message } }` (never a stack).
 */
export async function handleHarnessCall(harness: HarnessApi, channel: string, input: unknown): Promise<HarnessReply> {
  try {
    const args = parseInput(channel, input);
    const method = (harness as unknown as Record<string, (value: unknown) => Promise<unknown>>)[channel];
    if (!method) throw new Error(`harness has no method for ${channel}`);
    const value = await method.call(harness, args);
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}
