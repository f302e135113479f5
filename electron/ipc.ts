/**
 * The IPC channel maps are core's (STYLE rule 9): the harness channel map (one key per
 * `HarnessApi` operation with its zod input schema) and the desktop-only map beside it. Main
 * registers one `ipcMain.handle` per key, the preload exposes one function per key, and the
 * renderer's types are derived from the same objects, so a channel cannot exist on one side only.
 *
 * Imported file by file, not through core/harness/index.ts: the sandboxed preload bundles this
 * module, and the index also exports the Node-only harness (SQLite, node:crypto).
 */
export { channels, CHANNEL_NAMES, isChannelName } from '../core/harness/channels.js';
export type { ChannelName, ChannelInput, ChannelResult, HarnessApi } from '../core/harness/channels.js';
export { desktopChannels, DESKTOP_CHANNEL_NAMES, DESKTOP_EVENT_NAMES } from '../core/harness/desktopChannels.js';
export type * from '../core/harness/desktopChannels.js';

import type { ChannelName } from '../core/harness/channels.js';
import type { DesktopChannelName, DesktopEventName } from '../core/harness/desktopChannels.js';

/** IPC channels are namespaced so nothing else on ipcMain can collide with them. */
export const IPC_PREFIX = 'harness:';
export const ipcChannelName = (channel: ChannelName): string => `${IPC_PREFIX}${channel}`;

/** Desktop channels and main → console events live apart from the harness channels. */
export const DESKTOP_PREFIX = 'desktop:';
export const desktopChannelName = (channel: DesktopChannelName | DesktopEventName): string => `${DESKTOP_PREFIX}${channel}`;
