import { HarnessError } from '../core/errors.js';
import type { LocalAuthDecision } from '../core/authenticator/index.js';
import type { PhonePromptEvent } from './ipc.js';

export interface PromptBroker {
  /** Shows the prompt in the console (`send`) and waits for `answer`, or 'timeout' after `timeoutMs`. */
  ask(request: Omit<PhonePromptEvent, 'requestId'>): Promise<LocalAuthDecision>;
  /** The console's answer ('phone.promptAnswer'); an unknown or already answered id is NOT_FOUND. */
  answer(input: { requestId: string; decision: LocalAuthDecision }): { requestId: string; accepted: true };
  /** Ends every pending prompt of a phone (its window closed) or of all phones, as 'timeout'. */
  cancel(phone?: string): void;
  pending(): string[];
}

/**
 * The round trip between a phone window's ceremony and the console's device prompt. Request
 * ids are unguessable so that only the console, which was sent the id, can answer.
 */
export function createPromptBroker(options: {
  send: (event: PhonePromptEvent) => void;
  newId: () => string;
  /** A prompt nobody answers ends as the phone's own time-out would; default 120 s. */
  timeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}): PromptBroker {
  const { send, newId, timeoutMs = 120_000 } = options;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const waiting = new Map<string, { phone: string; timer: unknown; resolve: (decision: LocalAuthDecision) => void }>();

  const settle = (requestId: string, decision: LocalAuthDecision): boolean => {
    const entry = waiting.get(requestId);
    if (!entry) return false;
    waiting.delete(requestId);
    clearTimer(entry.timer);
    entry.resolve(decision);
    return true;
  };

  return {
    ask(request) {
      const requestId = newId();
      return new Promise<LocalAuthDecision>((resolve) => {
        const timer = setTimer(() => settle(requestId, 'timeout'), timeoutMs);
        waiting.set(requestId, { phone: request.phone, timer, resolve });
        try {
          send({ ...request, requestId });
        } catch {
          settle(requestId, 'timeout');
        }
      });
    },
    answer({ requestId, decision }) {
      if (!settle(requestId, decision)) throw new HarnessError('NOT_FOUND', `no pending prompt ${requestId}`);
      return { requestId, accepted: true };
    },
    cancel(phone) {
      for (const [requestId, entry] of [...waiting]) if (phone === undefined || entry.phone === phone) settle(requestId, 'timeout');
    },
    pending: () => [...waiting.keys()],
  };
}
