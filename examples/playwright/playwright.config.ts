import { defineConfig } from '@playwright/test';

/**
 * Harness phones in a Playwright suite, on Debian's Chromium (`npx playwright install` is not
 * needed: the browser comes from the OS). Run from the project root:
 *   npx playwright test -c examples/playwright
 * PASSKEY_HARNESS_CHROMIUM overrides the browser path; PKH_SERVER_URL + PASSKEY_HARNESS_TOKEN
 * point the suite at a harness that is already running instead of starting one.
 */
export default defineConfig({
  testDir: './tests',
  // One worker: the harness server is per worker, and CI machines here have 2 cores.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  // Shared CI machines can be slow: give each screen 10 s to appear.
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never', outputFolder: '../../test-results/examples-playwright-report' }]],
  outputDir: '../../test-results/examples-playwright',
  use: {
    headless: true,
    locale: 'ja-JP',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PASSKEY_HARNESS_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    },
  },
});
