import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { handleHarnessCall } from '../core/harness/handleHarnessCall.js';
import { CHANNEL_NAMES, ipcChannelName, type ChannelName, type HarnessApi, type HarnessReply } from './ipc.js';

export type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

export interface HandlerOptions {
  /** The in-process harness (createHarness); its methods receive validated input. */
  harness: HarnessApi;
  /** Decides whether the frame that sent a message may talk to main (security.isTrustedSender). */
  isTrustedSender: (event: SenderEvent) => boolean;
}

/**
 * One invoke handler: refuse foreign senders, then validate the payload with the channel's
 * zod schema, call the harness and shape the reply (handleHarnessCall): `{ ok, value }` or
 * `{ ok: false, error: { code, message } }`, never a thrown error or a stack.
 */
export function createChannelHandler(channel: ChannelName, { harness, isTrustedSender }: HandlerOptions) {
  return async (event: SenderEvent, payload: unknown): Promise<HarnessReply> => {
    let trusted = false;
    try {
      trusted = isTrustedSender(event);
    } catch {
      trusted = false;
    }
    if (!trusted) {
      return { ok: false, error: { code: 'FORBIDDEN', message: `${channel}: the sender is not the app window` } };
    }
    return handleHarnessCall(harness, channel, payload);
  };
}

/** Registers one `ipcMain.handle` per channel of the map; returns a function that removes them. */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, options: HandlerOptions): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(ipcChannelName(channel), createChannelHandler(channel, options));
  }
  return () => {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(ipcChannelName(channel));
  };
}
