import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (no browser downloads here); override with PASSKEY_HARNESS_CHROMIUM. */
export const CHROMIUM_PATH = process.env.PASSKEY_HARNESS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOT_DIR = resolve(repoRoot, 'test-results/screenshots');
export const RENDERER_DIR = resolve(repoRoot, 'out/renderer');

export interface LaunchedBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh user-data-dir, removed again on close. */
export async function launchChromium(opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set PASSKEY_HARNESS_CHROMIUM`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'pkh-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: opts.viewport ?? { width: 390, height: 844 },
    locale: opts.locale ?? 'ja-JP',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The built renderer (npm run build) or a clear failure saying how to get it. */
export function requireBuiltRenderer(page: 'customer' | 'console' = 'customer'): string {
  const index = join(RENDERER_DIR, page, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: run \`npm run build\` (or \`npx vite build -c test/support/vite.customer.config.ts\` for the customer pages) before the browser tests`);
  }
  return RENDERER_DIR;
}
