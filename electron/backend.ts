import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createDemoCustomer } from '../core/harness/createDemoCustomer.js';
import { openVault } from '../core/authenticator/vault.js';
import { createHarness, DEVELOPMENT_PASSPHRASE } from '../core/harness/createHarness.js';
import type { PhoneRegistry } from '../core/harness/phoneRegistry.js';
import { vaultPhoneRegistry } from '../core/harness/vaultPhoneRegistry.js';
import { createHarnessMount } from '../core/harness/createHarnessMount.js';
import { createHttpServer, pickFreePort } from '../core/http/index.js';
import type { HarnessApi } from './ipc.js';

export interface Backend {
  /** The in-process harness the IPC handlers call (store via node:sqlite inside Electron). */
  harness: HarnessApi;
  /** The phones' vault the harness uses, for the phone windows (electron/phoneUrlWindows.ts). */
  phones: PhoneRegistry;
  /** `http://localhost:PORT`: the app's only origin (console at /console/, customer pages at /). */
  url: string;
  /** `${url}/console/#token=…`: the console page with an operator token in the fragment (never sent to the server). */
  consoleUrl: string;
  close(): Promise<void>;
}

/**
 * The desktop app's core: the same harness and HTTP server as `passkey-harness ui`, bound to
 * loopback, with its database and vault in Electron's userData directory.
 */
export async function startBackend({ dataDir, staticDir, host = '127.0.0.1' }: { dataDir: string; staticDir: string; host?: string }): Promise<Backend> {
  mkdirSync(dataDir, { recursive: true });
  const port = await pickFreePort(host);
  const origin = `http://localhost:${port}`;
  // Opened here (where createHarness would put it) so the phone windows share the harness's registry.
  const phones = vaultPhoneRegistry(openVault({ path: join(dataDir, 'phones.sqlite'), passphrase: process.env.PASSKEY_HARNESS_VAULT_PASSPHRASE || DEVELOPMENT_PASSPHRASE }));
  const harness = await createHarness({
    phones,
    dbPath: join(dataDir, 'harness.sqlite'),
    passphrase: process.env.PASSKEY_HARNESS_VAULT_PASSPHRASE,
    rpId: 'localhost',
    origin,
    // The IPC caller is the app window of the local user, who is trusted with this database.
    actor: { name: `app:${userInfo().username}`, role: 'operator' },
  });
  try {
    const token = harness.issueToken(harness.actor);
    await createDemoCustomer(harness);
    const server = createHttpServer({
      rp: harness.rp as never,
      harness: createHarnessMount(harness),
      staticDir,
      origins: [origin, `http://127.0.0.1:${port}`],
    });
    const listening = await server.listen({ port, host });
    return {
      harness,
      phones,
      url: origin,
      consoleUrl: `${origin}/console/#token=${token}`,
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
