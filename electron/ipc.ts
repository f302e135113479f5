/**
 * The IPC channel map is the harness channel map (STYLE rule 9): one key per `HarnessApi`
 * operation with its zod input schema. Main registers one `ipcMain.handle` per key, the
 * preload exposes one function per key, and the renderer's `HarnessApi` type is derived
 * from the same object, so a channel cannot exist on one side only.
 */
export { channels, CHANNEL_NAMES, isChannelName } from '../core/harness/channels.js';
export type { ChannelName, ChannelInput, ChannelResult, HarnessApi, HarnessReply } from '../core/harness/channels.js';

import type { ChannelName } from '../core/harness/channels.js';

/** IPC channels are namespaced so nothing else on ipcMain can collide with them. */
export const IPC_PREFIX = 'harness:';
export const ipcChannelName = (channel: ChannelName): string => `${IPC_PREFIX}${channel}`;
