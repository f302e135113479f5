import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createHarness, type Harness } from '../../core/harness/createHarness.js';
import { createHarnessMount } from '../../core/harness/createHarnessMount.js';
import { createHttpServer } from '../../core/http/index.js';
import { launchChromium, requireBuiltRenderer, SCREENSHOT_DIR, type LaunchedBrowser } from './browser.js';

export interface ConsoleInBrowser {
  origin: string;
  harness: Harness;
  browser: LaunchedBrowser;
  page: Page;
  /** Opens the console as `name` with `role` (a fresh token in the URL fragment), in Japanese. */
  open(name: string, role: 'operator' | 'viewer'): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real harness (SQLite files in a temp folder) behind the real HTTP server on loopback, serving
 * the built console and customer pages, and Chromium at `viewport` with actions bounded at 20 s (below
 * the 30 s test timeout, so a hang names its locator). `seed` runs before the browser starts.
 */
export async function startConsoleInBrowser(opts: { prefix: string; viewport: { width: number; height: number }; seed?: (harness: Harness) => Promise<void> }): Promise<ConsoleInBrowser> {
  const staticDir = requireBuiltRenderer('console');
  requireBuiltRenderer('customer');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), opts.prefix));
  let harness: Harness | undefined;
  let server: { close(): Promise<void> } | undefined;
  let browser: LaunchedBrowser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await harness?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // The RP must know its origin before it exists: listen once to learn a free port, then reuse it.
    const probe = await createHttpServer({ rp: {} as never, staticDir: null }).listen({ port: 0, host: '127.0.0.1' });
    const port = probe.port;
    await probe.close();
    const origin = `http://localhost:${port}`;
    const h = (harness = await createHarness({ dbPath: join(dir, 'harness.sqlite'), vaultPath: join(dir, 'vault.sqlite'), rpId: 'localhost', origin, actor: { name: 'cli:qa', role: 'operator' } }));
    server = await createHttpServer({ rp: h.rp as never, harness: createHarnessMount(h), staticDir, origins: [origin] }).listen({ port, host: '127.0.0.1' });
    await opts.seed?.(h);
    const b = (browser = await launchChromium({ viewport: opts.viewport, locale: 'ja-JP' }));
    b.context.setDefaultTimeout(20_000);
    return {
      origin,
      harness: h,
      browser: b,
      page: b.page,
      async open(name, role) {
        await b.page.goto(`${origin}/console/#token=${h.issueToken({ name, role })}`);
        await b.page.getByTestId('api-mode').waitFor();
        await b.page.getByTestId('locale').selectOption('ja');
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The test id of the focused element of the top page (the phone frame's, for focus inside a phone). */
export function focusedTestId(page: Page): Promise<string | null> {
  // (Typed by hand: test files are typechecked without the DOM library.)
  return page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null);
}
