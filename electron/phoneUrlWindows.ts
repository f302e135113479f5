import type { BrowserWindowConstructorOptions } from 'electron';
import { resolveProfile, type CredentialStore, type DeviceProfile } from '../core/authenticator/index.js';
import { HarnessError, toErrorData } from '../core/errors.js';
import type { PhoneRegistry } from '../core/harness/index.js';
import type { PhoneUrlClosedEvent, PhoneUrlOpened } from './ipc.js';
import { attachPhoneDebugger, type DebuggerLike, type PhoneFrameSession } from './phoneDebugger.js';
import { isAllowedPhoneNavigation, phoneWindowOptions } from './phoneWindow.js';
import type { PromptBroker } from './promptBroker.js';

/** The part of a BrowserWindow the manager drives (a fake in tests). */
export interface PhoneWindowLike {
  webContents: { debugger: DebuggerLike };
  loadURL(url: string): Promise<void>;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  once(event: 'closed', listener: () => void): unknown;
  close(): void;
  destroy(): void;
  focus(): void;
  isDestroyed(): boolean;
}

export interface PhoneUrlWindows {
  open(input: { phone: string; url: string }): Promise<PhoneUrlOpened>;
  close(input: { phone: string }): Promise<{ phone: string; closed: boolean }>;
  /** Closes every phone window, syncing each (before the console window goes). */
  closeAll(): Promise<void>;
  openPhones(): string[];
}

type PhoneFor = (name: string) => { name: string; profile: DeviceProfile; credentials: CredentialStore };

/** The harness's phones (the vault) as the windows need them; an unknown name is PHONE_NOT_FOUND. */
export function phoneFromRegistry(registry: Pick<PhoneRegistry, 'get'>): PhoneFor {
  return (name) => {
    const record = registry.get(name);
    return { name: record.name, profile: resolveProfile(record.profile), credentials: record.credentials };
  };
}

interface Entry {
  phone: string;
  window: PhoneWindowLike;
  session: PhoneFrameSession;
  closing?: Promise<void>;
}

/**
 * One window per phone showing any http/https page with the phone's credentials in a CDP
 * virtual authenticator (phoneDebugger.ts). Every ceremony asks the console's device prompt
 * through the broker; closing the window syncs the phone's vault before the webContents (and
 * with it the debugger) goes away.
 */
export function createPhoneUrlWindows(options: {
  createWindow: (options: BrowserWindowConstructorOptions) => PhoneWindowLike;
  phoneFor: PhoneFor;
  prompts: PromptBroker;
  notifyClosed: (event: PhoneUrlClosedEvent) => void;
  /** The app server's origin: a phone window never opens its console (phoneWindow.ts). */
  appOrigin: () => string;
  attach?: typeof attachPhoneDebugger;
}): PhoneUrlWindows {
  const { createWindow, phoneFor, prompts, notifyClosed, appOrigin, attach = attachPhoneDebugger } = options;
  const entries = new Map<string, Entry>();

  function shutDown(entry: Entry, alive: boolean): Promise<void> {
    entry.closing ??= (async () => {
      prompts.cancel(entry.phone);
      let event: PhoneUrlClosedEvent;
      try {
        const { added, updated } = await entry.session.close();
        event = { phone: entry.phone, synced: { added, updated } };
      } catch (error) {
        event = { phone: entry.phone, synced: null, error: toErrorData(error) };
      }
      entries.delete(entry.phone);
      if (alive && !entry.window.isDestroyed()) entry.window.destroy();
      notifyClosed(event);
    })();
    return entry.closing;
  }

  return {
    async open({ phone, url }) {
      // loadURL from here fires no will-navigate, so the navigation guard is asked first.
      if (!isAllowedPhoneNavigation(url, { appOrigin: appOrigin() })) {
        throw new HarnessError('INVALID_INPUT', `a phone window cannot open ${url}: the app's own console stays in the console window`);
      }
      const record = phoneFor(phone);
      const existing = entries.get(record.name);
      if (existing && !existing.closing) {
        existing.window.focus();
        void existing.window.loadURL(url).catch(() => undefined);
        return { phone: record.name, url, limits: existing.session.limits.map((l) => l.field) };
      }
      await existing?.closing;
      const window = createWindow(phoneWindowOptions({ phone: record.name }));
      let session: PhoneFrameSession;
      try {
        session = await attach({
          debugger: window.webContents.debugger,
          profile: record.profile,
          credentials: record.credentials,
          localAuth: (request) =>
            prompts.ask({ phone: record.name, ceremony: request.ceremony, origin: request.origin, rpId: request.rpId, userName: request.userName, userVerification: request.userVerification }),
        });
      } catch (error) {
        if (!window.isDestroyed()) window.destroy();
        throw error;
      }
      const entry: Entry = { phone: record.name, window, session };
      entries.set(record.name, entry);
      // The debugger dies with the webContents, so the sync runs before the window is let go.
      window.on('close', (event) => {
        if (entry.closing) return;
        event.preventDefault();
        void shutDown(entry, true);
      });
      window.once('closed', () => void shutDown(entry, false));
      // A page that fails to load shows Chromium's error page; the phone stays open.
      void window.loadURL(url).catch(() => undefined);
      return { phone: record.name, url, limits: session.limits.map((l) => l.field) };
    },
    async close({ phone }) {
      const entry = entries.get(phone) ?? entries.get(phoneFor(phone).name);
      if (!entry) return { phone, closed: false };
      await shutDown(entry, true);
      return { phone: entry.phone, closed: true };
    },
    async closeAll() {
      await Promise.all([...entries.values()].map((entry) => shutDown(entry, true)));
    },
    openPhones: () => [...entries.keys()],
  };
}
