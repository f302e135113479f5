import type { IpcMain } from 'electron';
import { HarnessError, toErrorData, type ErrorData } from '../core/errors.js';
import { DESKTOP_CHANNEL_NAMES, desktopChannelName, desktopChannels, type DesktopChannelArgs, type DesktopChannelName, type DesktopResults } from './desktopChannels.js';
import type { SenderEvent } from './ipcHandlers.js';

export type DesktopImplementation = { [K in DesktopChannelName]: (args: DesktopChannelArgs<K>) => Promise<DesktopResults[K]> };
export type DesktopReply = { ok: true; value: unknown } | { ok: false; error: ErrorData };

export interface DesktopHandlerOptions {
  implementation: DesktopImplementation;
  /** The same check as the harness channels (security.isTrustedSender): the console window's top frame only. */
  isTrustedSender: (event: SenderEvent) => boolean;
}

export function parseDesktopInput<K extends DesktopChannelName>(channel: K, input: unknown): DesktopChannelArgs<K> {
  const parsed = desktopChannels[channel].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(input)', message: issue.message }));
    const first = issues[0];
    throw new HarnessError('INVALID_INPUT', `${channel}: ${first ? `${first.path}: ${first.message}` : 'invalid input'}`, { details: { issues } });
  }
  return parsed.data as DesktopChannelArgs<K>;
}

/** Foreign sender → FORBIDDEN; payload through the channel's zod schema → INVALID_INPUT; failures as `{ code, message }`. */
export function createDesktopHandler<K extends DesktopChannelName>(channel: K, { implementation, isTrustedSender }: DesktopHandlerOptions) {
  return async (event: SenderEvent, payload: unknown): Promise<DesktopReply> => {
    let trusted = false;
    try {
      trusted = isTrustedSender(event);
    } catch {
      trusted = false;
    }
    if (!trusted) return { ok: false, error: { code: 'FORBIDDEN', message: `${channel}: the sender is not the app window` } };
    try {
      const args = parseDesktopInput(channel, payload);
      const value = await (implementation[channel] as (a: DesktopChannelArgs<K>) => Promise<unknown>)(args);
      return { ok: true, value: value ?? null };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  };
}

/** One `ipcMain.handle` per desktop channel (`desktop:` prefix, apart from `harness:`); returns a dispose function. */
export function registerDesktopHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, options: DesktopHandlerOptions): () => void {
  for (const channel of DESKTOP_CHANNEL_NAMES) ipcMain.handle(desktopChannelName(channel), createDesktopHandler(channel, options));
  return () => {
    for (const channel of DESKTOP_CHANNEL_NAMES) ipcMain.removeHandler(desktopChannelName(channel));
  };
}
