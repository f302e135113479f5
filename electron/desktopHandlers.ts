import type { IpcMain } from 'electron';
import { failedReply, invalidInput, type Reply } from '../core/harness/index.js';
import { guardSender, type SenderCheck } from './guardSender.js';
import { DESKTOP_CHANNEL_NAMES, desktopChannelName, desktopChannels, type DesktopChannelArgs, type DesktopChannelName, type DesktopResults } from './ipc.js';

export type DesktopImplementation = { [K in DesktopChannelName]: (args: DesktopChannelArgs<K>) => Promise<DesktopResults[K]> };

export interface DesktopHandlerOptions {
  implementation: DesktopImplementation;
  /** The same check as the harness channels (guardSender + security.isTrustedSender): the console window's top frame only. */
  isTrustedSender: SenderCheck;
}

export function parseDesktopInput<K extends DesktopChannelName>(channel: K, input: unknown): DesktopChannelArgs<K> {
  const parsed = desktopChannels[channel].input.safeParse(input ?? {});
  if (!parsed.success) throw invalidInput(parsed.error, channel);
  return parsed.data as DesktopChannelArgs<K>;
}

/** Foreign sender → FORBIDDEN (guardSender); payload through the channel's zod schema → INVALID_INPUT; failures as `{ code, message }`. */
export function createDesktopHandler<K extends DesktopChannelName>(channel: K, { implementation, isTrustedSender }: DesktopHandlerOptions) {
  const run: (args: DesktopChannelArgs<K>) => Promise<DesktopResults[K]> = implementation[channel];
  return guardSender(channel, isTrustedSender, async (payload): Promise<Reply<DesktopResults[K]>> => {
    try {
      return { ok: true, value: await run(parseDesktopInput(channel, payload)) };
    } catch (error) {
      return failedReply(error);
    }
  });
}

/** One `ipcMain.handle` per desktop channel (`desktop:` prefix, apart from `harness:`); returns a dispose function. */
export function registerDesktopHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, options: DesktopHandlerOptions): () => void {
  for (const channel of DESKTOP_CHANNEL_NAMES) ipcMain.handle(desktopChannelName(channel), createDesktopHandler(channel, options));
  return () => {
    for (const channel of DESKTOP_CHANNEL_NAMES) ipcMain.removeHandler(desktopChannelName(channel));
  };
}
