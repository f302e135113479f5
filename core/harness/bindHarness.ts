import { CHANNEL_NAMES, type HarnessApi, type HarnessImplementation } from './channels.js';
import { parseInput } from './parseInput.js';

/**
 * Wraps an implementation so every method validates and defaults its input first; direct
 * callers (CLI, Electron main) then get the same checks as HTTP callers.
 */
export function bindHarness(implementation: HarnessImplementation): HarnessApi {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of CHANNEL_NAMES) {
    const method = implementation[name] as (args: unknown) => Promise<unknown>;
    api[name] = async (input) => method.call(implementation, parseInput(name, input));
  }
  return api as unknown as HarnessApi;
}
