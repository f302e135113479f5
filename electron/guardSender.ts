import type { IpcMainInvokeEvent } from 'electron';
import type { Reply } from '../core/harness/index.js';

export type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;
/** Decides whether the frame that sent a message may talk to main (security.isTrustedSender). */
export type SenderCheck = (event: SenderEvent) => boolean;

function isTrusted(isTrustedSender: SenderCheck, event: SenderEvent): boolean {
  try {
    return isTrustedSender(event);
  } catch {
    // A frame destroyed mid-call throws on access; unknown is untrusted.
    return false;
  }
}

/**
 * The one sender check in front of every IPC handler, harness and desktop channels alike
 * (electron/fiddle): a message from any frame but the app window's is FORBIDDEN as data, and
 * `handle` never sees its payload.
 */
export function guardSender<T>(
  channel: string,
  isTrustedSender: SenderCheck,
  handle: (payload: unknown) => Promise<Reply<T>>,
): (event: SenderEvent, payload: unknown) => Promise<Reply<T>> {
  return async (event, payload) => {
    if (!isTrusted(isTrustedSender, event)) return { ok: false, error: { code: 'FORBIDDEN', message: `${channel}: the sender is not the app window` } };
    return handle(payload);
  };
}
