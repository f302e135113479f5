import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';

/**
 * The README's promise on a fresh clone: `git clone` of the committed HEAD (not the working tree,
 * whose ignored out/ and dist/ are already built), then the README's first command, then the
 * customer and console pages rendered in Chromium.
 *
 * `npm ci` itself is not repeated here: it would take minutes (better-sqlite3 compiles from
 * source) and would delete the node_modules this clone borrows through a symlink. What `npm ci`
 * runs for the project itself is run for real, in the clone: the root package's install
 * lifecycle scripts (preinstall … prepare … postprepare), then `npm start` as written.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
/** The repository cloned (default: this one); another lets the test be watched failing on a broken commit. */
const source = process.env.PASSKEY_HARNESS_FIRST_RUN_REPO ?? root;

/** The first line of the README's first ```sh block and the sample output block after it. */
function readmeFirstRun(readme: string): { command: string; sample: string } {
  const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)];
  const sh = blocks.find((b) => b[1] === 'sh');
  const sample = blocks.find((b) => b.index! > sh!.index! && b[1] === '');
  const command = sh![2]!.split('\n')[0]!.replace(/\s+#.*$/, '').trim();
  return { command, sample: sample![2]!.trimEnd() };
}

/** The README's sample as a pattern: port, tokens, OS user and home directory vary. */
function samplePattern(sample: string, home: string, user: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = sample
    .split('\n')
    .map((line) =>
      escape(line)
        .replace(/8787/g, '\\d+')
        .replace(/…/g, '[A-Za-z0-9_-]{20,}')
        .replace(/<you>/g, escape(user))
        .replace(/^(database\s+)~/, `$1${escape(home)}`),
    )
    .join('\n');
  return new RegExp(`^${source}$`, 'm');
}

const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

let server: ChildProcess | undefined;
let browser: LaunchedBrowser | undefined;
const work = mkdtempSync(join(tmpdir(), 'pkh-first-run-'));

afterAll(async () => {
  await browser?.close();
  // npm start runs sh → node: end the whole group this test started.
  if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

describe('first run on a fresh clone (README: npm ci && npm start)', () => {
  it('builds in the clone, prints the README sample, and serves rendered customer and console pages', async () => {
    const clone = join(work, 'repo');
    const git = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', source, clone], { encoding: 'utf8' });
    expect(git.status, git.stderr).toBe(0);
    const { command, sample } = readmeFirstRun(readFileSync(join(clone, 'README.md'), 'utf8'));
    expect(command).toBe('npm ci && npm start');

    expect(existsSync(join(clone, 'out')), 'a clone has no prebuilt renderer').toBe(false);
    expect(existsSync(join(clone, 'dist')), 'a clone has no prebuilt CLI').toBe(false);
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');

    const home = join(work, 'home');
    mkdirSync(home);
    const env = { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ELECTRON_SKIP_BINARY_DOWNLOAD: '1', PASSKEY_HARNESS_PORT: '0', npm_config_update_notifier: 'false' };

    // What `npm ci` runs for the root package once its dependencies are in place.
    const scripts = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const name of LIFECYCLE.filter((s) => scripts[s])) {
      const run = spawnSync('npm', ['run', name], { cwd: clone, env, encoding: 'utf8', timeout: 300_000 });
      expect(run.status, `npm run ${name}:\n${run.stdout}\n${run.stderr}`).toBe(0);
    }
    expect(existsSync(join(clone, 'out', 'renderer', 'customer', 'index.html'))).toBe(true);
    expect(existsSync(join(clone, 'out', 'renderer', 'console', 'index.html'))).toBe(true);

    server = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
    await new Promise<void>((resolve, reject) => {
      server!.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk;
        if (stderr.includes('listening')) resolve();
      });
      server!.once('exit', (code) => reject(new Error(`npm start exited ${code}:\n${stdout}\n${stderr}`)));
    });
    // prestart found everything built by install: it did not build again.
    expect(stderr).not.toContain('building');
    expect(stderr).toContain('starting browser mode');
    expect(stdout).toMatch(samplePattern(sample, home, userInfo().username));

    const url = (label: string) => stdout.match(new RegExp(`^${label}\\s+(\\S+)`, 'm'))![1]!;
    browser = await launchChromium();
    const page = browser.page;
    const customer = await page.goto(url('customer'));
    expect(customer!.status()).toBe(200);
    await page.getByTestId('screen-login').waitFor({ timeout: 15_000 });
    // The demo customer the first start creates (README) logs in through the rendered page.
    await page.getByTestId('login-id').fill('demo');
    await page.getByTestId('login-password').fill('password');
    await page.getByTestId('login-password').press('Enter');
    await page.getByTestId('screen-info').waitFor({ timeout: 15_000 });

    const consolePage = await page.goto(url('console'));
    expect(consolePage!.status()).toBe(200);
    await page.getByTestId('api-mode').waitFor({ timeout: 15_000 });
  }, 300_000);
});
