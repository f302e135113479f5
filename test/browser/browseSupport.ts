// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHarness, type Harness } from '../../core/harness/createHarness.js';
import { createHarnessMount } from '../../core/harness/createHarnessMount.js';
import { createHttpServer } from '../../core/http/index.js';
import { freePort } from '../core/http/support.js';
import { requireBuiltRenderer } from '../support/browser.js';

export const PASSPHRASE = 'browse-test-passphrase';
export const OTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

export interface HarnessServer {
  dir: string;
  dbPath: string;
  vaultPath: string;
  url: string;
  harness: Harness;
  /** Operator bearer token for `/api/harness/*` (what `pkh --server` reads from PASSKEY_HARNESS_TOKEN). */
  token: string;
  /** A customer whose step-up is TOTP (the browser script computes the code). */
  createCustomer(loginId: string): Promise<void>;
  close(): Promise<void>;
}

/** The harness (SQLite + phone vault on disk) serving the customer pages on loopback, as `pkh serve` does. */
export async function startHarnessServer(): Promise<HarnessServer> {
  const staticDir = requireBuiltRenderer('customer');
  const dir = await mkdtemp(join(tmpdir(), 'pkh-browse-test-'));
  const dbPath = join(dir, 'server.sqlite');
  const vaultPath = join(dir, 'phones.sqlite');
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const harness = await createHarness({ dbPath, vaultPath, passphrase: PASSPHRASE, origin: url });
  const listening = await createHttpServer({ rp: harness.rp, harness: createHarnessMount(harness), staticDir, origins: [url] }).listen({ port });
  return {
    dir,
    dbPath,
    vaultPath,
    url,
    harness,
    token: harness.issueToken({ name: 'browse-test', role: 'operator' }),
    async createCustomer(loginId) {
      await harness.rp.createAccount({ loginId, password: 'login-pass', tradingPassword: 'trade-pass', displayName: loginId, emails: [`${loginId}@example.test`], otpSecret: OTP_SECRET });
    },
    async close() {
      await listening.close();
      await harness.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
