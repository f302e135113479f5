import type { IpcMain } from 'electron';
import { handleHarnessCall } from '../core/harness/index.js';
import { guardSender, type SenderCheck } from './guardSender.js';
import { CHANNEL_NAMES, ipcChannelName, type ChannelName, type HarnessApi } from './ipc.js';

export interface HandlerOptions {
  /** The in-process harness (createHarness); its methods receive validated input. */
  harness: HarnessApi;
  /** Decides whether the frame that sent a message may talk to main (security.isTrustedSender). */
  isTrustedSender: SenderCheck;
}

/**
 * One invoke handler: refuse foreign senders (guardSender), then validate the payload with the
 * channel's zod schema, call the harness and shape the reply (handleHarnessCall): `{ ok, value }`
 * or `{ ok: false, error: { code, message } }`, never a thrown error or a stack.
 */
export function createChannelHandler(channel: ChannelName, { harness, isTrustedSender }: HandlerOptions) {
  return guardSender(channel, isTrustedSender, (payload) => handleHarnessCall(harness, channel, payload));
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
