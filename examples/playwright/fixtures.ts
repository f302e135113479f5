import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test as base } from '@playwright/test';
import { phoneFixtures, type PhoneFixtures } from 'passkey-harness/playwright';

/** The harness server under test: its URL and a typed-enough call into its `/api/harness/*` channels. */
export interface Harness {
  url: string;
  call<T = unknown>(channel: string, input?: Record<string, unknown>): Promise<T>;
}

export interface Customer {
  loginId: string;
  password: string;
  email: string;
}

/**
 * Starts `pkh serve` on a free port with a throwaway database (one per worker), or uses the
 * harness at PKH_SERVER_URL with the operator token in PASSKEY_HARNESS_TOKEN.
 */
async function startHarness(): Promise<{ harness: Harness; stop(): Promise<void> }> {
  let url = process.env.PKH_SERVER_URL;
  let token = process.env.PASSKEY_HARNESS_TOKEN;
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'pkh-example-'));
    // The CLI ships in the package: resolve it the way an installed copy would be found.
    const cli = join(dirname(createRequire(import.meta.url).resolve('passkey-harness/package.json')), 'cli', 'bin.js');
    const server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--db', join(dir, 'server.sqlite'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    const started = await new Promise<{ server: string; tokens: { operator: string } }>((resolve, reject) => {
      let out = '';
      let err = '';
      server.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        try {
          resolve(JSON.parse(out));
        } catch {
          // not complete yet
        }
      });
      server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      server.once('exit', (code) => reject(new Error(`pkh serve exited (${code}): ${err.trim()}`)));
    });
    url = started.server;
    token = started.tokens.operator;
  }
  const base = url.replace(/\/$/, '');
  const harness: Harness = {
    url: base,
    async call(channel, input = {}) {
      const response = await fetch(`${base}/api/harness/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-harness-csrf': '1', origin: base, authorization: `Bearer ${token ?? ''}` },
        body: JSON.stringify(input),
      });
      const reply = (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
      if (!reply.ok) throw new Error(`${channel}: ${reply.error?.code}: ${reply.error?.message}`);
      return reply.value as never;
    },
  };
  return {
    harness,
    async stop() {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `phone` (a fresh iPhone-style phone attached to the test's page, shim mode), `phones`
 * (more devices, each in its own browser context), `harness` and a fresh `customer` per test.
 * PKH_PHONE_MODE=cdp runs the same tests through Chromium's own WebAuthn stack instead.
 */
export const test = base.extend<PhoneFixtures & { customer: Customer }, { harness: Harness }>({
  ...phoneFixtures({ profile: 'iphone-icloud', mode: process.env.PKH_PHONE_MODE === 'cdp' ? 'cdp' : 'shim' }),
  harness: [
    async ({}, use) => {
      const { harness, stop } = await startHarness();
      try {
        await use(harness);
      } finally {
        await stop();
      }
    },
    { scope: 'worker' },
  ],
  customer: async ({ harness }, use, testInfo) => {
    const loginId = `qa-${testInfo.testId.split('-').pop()!.slice(0, 10)}-${testInfo.retry}`;
    const customer = { loginId, password: 'login-pass', email: `${loginId}@example.test` };
    await harness.call('users.create', { username: loginId, password: customer.password, displayName: `QA ${loginId}`, emails: [customer.email] });
    await use(customer);
  },
});

export { expect } from '@playwright/test';
