import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createHarness } from '../core/harness/createHarness.js';
import { handleHarnessCall } from '../core/harness/handleHarnessCall.js';
import { createHttpServer } from '../core/http/index.js';
import type { HarnessApi } from './ipc.js';

export interface Backend {
  /** The in-process harness the IPC handlers call (store via node:sqlite inside Electron). */
  harness: HarnessApi;
  /** `http://localhost:PORT`: the app's only origin (console at /console/, customer pages at /). */
  url: string;
  close(): Promise<void>;
}

/** The RP must know its origin before it exists, so the loopback port is picked first. */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * The desktop app's core: the same harness and HTTP server as `passkey-harness ui`, bound to
 * loopback, with its database and vault in Electron's userData directory.
 */
export async function startBackend({ dataDir, staticDir, host = '127.0.0.1' }: { dataDir: string; staticDir: string; host?: string }): Promise<Backend> {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort(host);
  const origin = `http://localhost:${port}`;
  const harness = await createHarness({
    // The phones' vault goes where createHarness puts it by default (next to the database).
    dbPath: join(dataDir, 'harness.sqlite'),
    passphrase: process.env.PASSKEY_HARNESS_VAULT_PASSPHRASE,
    rpId: 'localhost',
    origin,
  });
  try {
    const server = createHttpServer({
      rp: harness.rp as never,
      harness: { handle: (channel: string, input: unknown) => handleHarnessCall(harness, channel, input) },
      staticDir,
      origins: [origin, `http://127.0.0.1:${port}`],
    });
    const listening = await server.listen({ port, host });
    return {
      harness,
      url: origin,
      close: async () => {
        await listening.close();
        await harness.close();
      },
    };
  } catch (error) {
    await harness.close();
    throw error;
  }
}
