import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, session, type Session } from 'electron';
import { startBackend, type Backend } from './backend.js';
import { desktopChannelName } from './ipc.js';
import { registerDesktopHandlers } from './desktopHandlers.js';
import type { SenderCheck } from './guardSender.js';
import { registerIpcHandlers } from './ipcHandlers.js';
import { createPhoneUrlWindows, phoneFromRegistry } from './phoneUrlWindows.js';
import { guardPhoneContents, lockDownPhoneSession } from './phoneWindow.js';
import { createPromptBroker } from './promptBroker.js';
import { guardWebContents, isTrustedSender, lockDownSession, windowOptions } from './security.js';

/**
 * The desktop shell: one window over the console, served by the app's own loopback HTTP
 * server; the customer pages in its phone frames come from a second loopback port (another
 * origin, so they cannot reach the console's bridge) and forward ceremonies by postMessage. Everything the
 * window may do is decided in security.ts; every IPC call goes through ipcHandlers.ts.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
let backend: Backend | undefined;
let appOrigin = 'app://unset';
/** The phone frames' origin (startServer's second loopback port: customer pages only), once the backend runs. */
let frameOrigin: string | undefined;
/** Sessions of phone windows (electron/phoneWindow.ts): their pages may browse the web; everything else stays on the app origin. */
const phoneSessions = new Set<Session>();

app.enableSandbox();
app.on('web-contents-created', (_event, contents) =>
  phoneSessions.has(contents.session) ? guardPhoneContents(contents, () => appOrigin) : guardWebContents(contents, () => appOrigin, () => frameOrigin),
);
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => {
  void backend?.close();
});

async function start(): Promise<void> {
  await app.whenReady();
  lockDownSession(session.defaultSession, () => ({ app: appOrigin, ...(frameOrigin ? { frames: frameOrigin } : {}) }));
  backend = await startBackend({ dataDir: app.getPath('userData'), staticDir: join(here, '../renderer') });
  appOrigin = new URL(backend.url).origin;
  frameOrigin = backend.phoneFrameUrl;

  const window = new BrowserWindow(windowOptions({ preload: join(here, '../preload/preload.cjs') }));
  // One sender check for both channel maps (guardSender): the console window's top frame on the app origin.
  const trusted: SenderCheck = (event) => isTrustedSender(event.senderFrame, { mainFrame: window.webContents.mainFrame, appOrigin });
  registerIpcHandlers(ipcMain, { harness: backend.harness, isTrustedSender: trusted });

  const toConsole = (channel: Parameters<typeof desktopChannelName>[0], payload: unknown) => {
    if (!window.isDestroyed()) window.webContents.send(desktopChannelName(channel), payload);
  };
  const prompts = createPromptBroker({ newId: randomUUID, send: (event) => toConsole('phone.prompt', event) });
  const phoneWindows = createPhoneUrlWindows({
    prompts,
    phoneFor: phoneFromRegistry(backend.phones),
    notifyClosed: (event) => toConsole('phone.urlClosed', event),
    appOrigin: () => appOrigin,
    createWindow: (options) => {
      const phoneSession = session.fromPartition(options.webPreferences?.partition ?? 'phone-url');
      lockDownPhoneSession(phoneSession);
      phoneSessions.add(phoneSession);
      return new BrowserWindow({ ...options, parent: window });
    },
  });
  registerDesktopHandlers(ipcMain, {
    isTrustedSender: trusted,
    implementation: {
      'phone.openUrl': (args) => phoneWindows.open(args),
      'phone.closeUrl': (args) => phoneWindows.close(args),
      'phone.promptAnswer': async (args) => prompts.answer(args),
    },
  });
  // Phone windows sync their credentials to the vault before the console (their parent) goes.
  window.on('close', (event) => {
    if (phoneWindows.openPhones().length === 0) return;
    event.preventDefault();
    void phoneWindows.closeAll().finally(() => window.close());
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(backend.consoleUrl);
}

start().catch((error: unknown) => {
  process.stderr.write(`passkey-harness: ${(error as Error).message}\n`);
  app.exit(1);
});
