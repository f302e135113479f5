import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES, DESKTOP_CHANNEL_NAMES, DESKTOP_EVENT_NAMES, desktopChannelName, ipcChannelName, type DesktopEventName } from './ipc.js';

/**
 * Exposes `window.harness`: one function per channel of the channel map, each resolving to
 * main's `{ ok, value } | { ok: false, error }` reply. The page never sees `ipcRenderer`.
 */
const bridge: Record<string, (input?: unknown) => Promise<unknown>> = {};
for (const channel of CHANNEL_NAMES) {
  bridge[channel] = (input) => ipcRenderer.invoke(ipcChannelName(channel), input ?? {});
}

contextBridge.exposeInMainWorld('harness', Object.freeze(bridge));

/**
 * `window.harnessDesktop` (Electron only): one function per desktop channel, plus `on(event,
 * listener)` for main's events. Listeners get the payload only, never the IPC event (whose
 * `sender` would hand the page ipcRenderer).
 */
const desktop: Record<string, unknown> = {};
for (const channel of DESKTOP_CHANNEL_NAMES) {
  desktop[channel] = (input?: unknown) => ipcRenderer.invoke(desktopChannelName(channel), input ?? {});
}
desktop.on = (event: DesktopEventName, listener: (payload: unknown) => void) => {
  if (!DESKTOP_EVENT_NAMES.includes(event) || typeof listener !== 'function') throw new TypeError(`unknown desktop event ${String(event)}`);
  const forward = (_event: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(desktopChannelName(event), forward);
  return () => void ipcRenderer.removeListener(desktopChannelName(event), forward);
};

contextBridge.exposeInMainWorld('harnessDesktop', Object.freeze(desktop));
