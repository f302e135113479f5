import { userInfo } from 'node:os';
import { join } from 'node:path';
import { startServer, type PhoneRegistry } from '../core/harness/index.js';
import type { HarnessApi } from './ipc.js';

export interface Backend {
  /** The in-process harness the IPC handlers call (store via node:sqlite inside Electron). */
  harness: HarnessApi;
  /** The phones' vault the harness uses, for the phone windows (electron/phoneUrlWindows.ts). */
  phones: PhoneRegistry;
  /** `http://localhost:PORT`: the app's only origin (console at /console/, customer pages at /). */
  url: string;
  /** The phone frames' origin (customer pages only, no console, no harness API): see startServer. */
  phoneFrameUrl?: string;
  /** `${url}/console/#token=…`: the console page with an operator token in the fragment (never sent to the server). */
  consoleUrl: string;
  close(): Promise<void>;
}

/**
 * The desktop app's core: the same startup as `passkey-harness ui` (core/harness/startServer),
 * bound to loopback, with its database and vault in Electron's userData directory.
 */
export async function startBackend({ dataDir, staticDir, host = '127.0.0.1' }: { dataDir: string; staticDir: string; host?: string }): Promise<Backend> {
  const server = await startServer({
    dbPath: join(dataDir, 'harness.sqlite'),
    vaultPath: join(dataDir, 'phones.sqlite'),
    passphrase: process.env.PASSKEY_HARNESS_VAULT_PASSPHRASE,
    host,
    staticDir,
    // The IPC caller is the app window of the local user, who is trusted with this database.
    actor: { name: `app:${userInfo().username}`, role: 'operator' },
    // One local user: no read-only token to hand out.
    viewerToken: false,
  });
  return { harness: server.harness, phones: server.phones, url: server.url, ...(server.phoneFrameUrl ? { phoneFrameUrl: server.phoneFrameUrl } : {}), consoleUrl: server.operator.consoleUrl, close: () => server.close() };
}
