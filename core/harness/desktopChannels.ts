import { z } from 'zod';
// The file, not core/authenticator/index.ts: the index pulls in the vault (SQLite, node:crypto).
import { LOCAL_AUTH_DECISIONS } from '../authenticator/localAuth.js';
import type { ChannelInput, ChannelName, ChannelResult } from './channels.js';
import type { Reply, ReplyError } from './reply.js';

/**
 * The desktop-only channel map, beside the harness channel map (channels.ts): what only
 * Electron can do (open an arbitrary URL in a phone's own Chromium window, answer its
 * local-authentication prompts). Kept apart from `channels` because browser mode and the CLI
 * have no such channels; Electron main validates and sender-checks them the same way
 * (electron/desktopHandlers.ts). Also the types of the two preload bridges (`window.harness`,
 * `window.harnessDesktop`), declared once for the preload and renderer/env.d.ts.
 *
 * Browser-safe: zod and browser-safe core files only (the renderer and the sandboxed preload bundle it).
 */
const phoneName = z.string().trim().min(1).max(64);

/** Only web pages: no file:, javascript:, data:, chrome: or app: URLs reach a phone window. */
export const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const localAuthDecision = z.enum(LOCAL_AUTH_DECISIONS);

export const desktopChannels = {
  'phone.openUrl': { input: z.strictObject({ phone: phoneName, url: httpUrl }), summary: "Open a URL in the phone's own window (CDP virtual authenticator)" },
  'phone.closeUrl': { input: z.strictObject({ phone: phoneName }), summary: "Close the phone's window; its credentials are synced to the vault first" },
  'phone.promptAnswer': {
    input: z.strictObject({ requestId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), decision: localAuthDecision }),
    summary: 'The console answers a local-authentication prompt the phone window asked for',
  },
} as const;

export type DesktopChannelName = keyof typeof desktopChannels;
export const DESKTOP_CHANNEL_NAMES = Object.keys(desktopChannels) as DesktopChannelName[];
export type DesktopChannelInput<K extends DesktopChannelName> = z.input<(typeof desktopChannels)[K]['input']>;
export type DesktopChannelArgs<K extends DesktopChannelName> = z.output<(typeof desktopChannels)[K]['input']>;

export interface PhoneUrlOpened {
  phone: string;
  url: string;
  /** What CDP cannot express for this profile (docs/BROWSERS.md). */
  limits: string[];
}

export interface DesktopResults {
  'phone.openUrl': PhoneUrlOpened;
  'phone.closeUrl': { phone: string; closed: boolean };
  'phone.promptAnswer': { requestId: string; accepted: true };
}

/** Main → console events (webContents.send); the preload forwards the payload only, never the IPC event. */
export interface PhonePromptEvent {
  requestId: string;
  phone: string;
  ceremony: 'create' | 'get';
  /** The origin of the frame that called navigator.credentials (from CDP, not from the page). */
  origin: string;
  /** As the page asked; Chromium still checks it against the origin. */
  rpId: string;
  userName?: string;
  userVerification: string;
}

export interface PhoneUrlClosedEvent {
  phone: string;
  synced: { added: string[]; updated: string[] } | null;
  error?: ReplyError;
}

export interface DesktopEvents {
  'phone.prompt': PhonePromptEvent;
  'phone.urlClosed': PhoneUrlClosedEvent;
}

export type DesktopEventName = keyof DesktopEvents;
export const DESKTOP_EVENT_NAMES: readonly DesktopEventName[] = ['phone.prompt', 'phone.urlClosed'];

/** `window.harness`, exposed by the preload in Electron only: one function per harness channel, resolving to main's reply (never throwing). */
export type HarnessBridge = {
  readonly [K in ChannelName]: (input?: ChannelInput<K>) => Promise<Reply<ChannelResult<K>>>;
};

/** `window.harnessDesktop`, exposed by the preload in Electron only. */
export type DesktopBridge = {
  readonly [K in DesktopChannelName]: (input: DesktopChannelInput<K>) => Promise<Reply<DesktopResults[K]>>;
} & {
  /** Subscribes to a main → console event; returns the unsubscribe function. */
  readonly on: <E extends DesktopEventName>(event: E, listener: (payload: DesktopEvents[E]) => void) => () => void;
};
