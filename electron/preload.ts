import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES, ipcChannelName } from './ipc.js';

/**
 * Exposes `window.harness`: one function per channel of the channel map, each resolving to
 * main's `{ ok, value } | { ok: false, error }` reply. The page never sees `ipcRenderer`.
 */
const bridge: Record<string, (input?: unknown) => Promise<unknown>> = {};
for (const channel of CHANNEL_NAMES) {
  bridge[channel] = (input) => ipcRenderer.invoke(ipcChannelName(channel), input ?? {});
}

contextBridge.exposeInMainWorld('harness', Object.freeze(bridge));
