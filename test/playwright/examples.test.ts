import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireBuiltRenderer } from '../support/browser.js';
import { failures, type PlaywrightReport } from '../support/playwrightReport.js';

/**
 * examples/playwright is the suite a QA engineer copies: @playwright/test runs it here (Debian
 * Chromium, `pkh serve` from the built CLI, the package entries through `exports`), and every
 * test in it must pass. Its own output is a JSON report, so this summary line stays vitest's.
 */
const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let work: string | undefined;

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('examples/playwright', () => {
  it('runs green under @playwright/test (register via email and TOTP step-up, log in, deny the prompt, support revoke + Signal API)', async () => {
    requireBuiltRenderer('customer');
    expect(existsSync(join(root, 'dist/core/playwright/index.js')), 'dist/ is missing: run npm run build:cli first').toBe(true);
    work = await mkdtemp(join(tmpdir(), 'pkh-examples-'));
    const reportFile = join(work, 'report.json');
    const outcome = await run(process.execPath, [join(root, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'examples/playwright', '--reporter=json'], {
      cwd: root,
      env: { ...process.env, CI: '1', PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile, PKH_SERVER_URL: '', PKH_PHONE_MODE: '' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stderr?: string }) => error);
    expect(existsSync(reportFile), `no report: ${String((outcome as { stderr?: string }).stderr).slice(0, 2000)}`).toBe(true);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as PlaywrightReport;
    expect(report.errors).toEqual([]);
    expect(report.stats, failures(report)).toMatchObject({ expected: 5, unexpected: 0, flaky: 0, skipped: 0 });
  }, 180_000);
});
