import { CHANNEL_NAMES, type HarnessApi, type HarnessImplementation } from './channels.js';
import { parseInput } from './parseInput.js';

/**
 * Wraps an implementation so every method validates and defaults its input first. This is the
 * one place input is validated: direct callers (CLI, Electron main) and the adapters
 * (`handleHarnessCall` for HTTP and IPC) all reach the implementation through it.
 */
export function bindHarness(implementation: HarnessImplementation): HarnessApi {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of CHANNEL_NAMES) {
    // One loop over every channel: the per-channel argument types meet only at runtime, after parseInput.
    const method = implementation[name] as (args: unknown) => Promise<unknown>;
    api[name] = async (input) => method.call(implementation, parseInput(name, input));
  }
  return api as unknown as HarnessApi;
}
