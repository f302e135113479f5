import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { startBackend, type Backend } from './backend.js';
import { registerIpcHandlers } from './ipcHandlers.js';
import { guardWebContents, isTrustedSender, lockDownSession, windowOptions } from './security.js';

/**
 * The desktop shell: one window over the console, served by the app's own loopback HTTP
 * server so the console and the customer pages it frames share one origin (the console
 * injects the simulated phone's navigator.credentials into those frames). Everything the
 * window may do is decided in security.ts; every IPC call goes through ipcHandlers.ts.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
let backend: Backend | undefined;
let appOrigin = 'app://unset';

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, () => appOrigin));
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => {
  void backend?.close();
});

async function start(): Promise<void> {
  await app.whenReady();
  lockDownSession(session.defaultSession);
  backend = await startBackend({ dataDir: app.getPath('userData'), staticDir: join(here, '../renderer') });
  appOrigin = new URL(backend.url).origin;

  const window = new BrowserWindow(windowOptions({ preload: join(here, '../preload/preload.cjs') }));
  registerIpcHandlers(ipcMain, {
    harness: backend.harness,
    isTrustedSender: (event) => isTrustedSender(event.senderFrame, { mainFrame: window.webContents.mainFrame, appOrigin }),
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(new URL('/console/', backend.url).href);
}

start().catch((error: unknown) => {
  process.stderr.write(`passkey-harness: ${(error as Error).message}\n`);
  app.exit(1);
});
