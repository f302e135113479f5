import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../support/browser.js';
import { failures, type PlaywrightReport } from '../support/playwrightReport.js';

/**
 * The package as a QA engineer gets it: `npm pack` the project, install the tarball into a
 * temporary project, and run one @playwright/test file there that imports
 * `passkey-harness/playwright` and `passkey-harness/authenticator` (and typechecks against the
 * shipped .d.ts). Offline: the temporary project's dependencies are links to this checkout's
 * node_modules, so npm finds every dependency already installed and fetches nothing.
 */
const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work: string | undefined;
// Under `npm test` the environment carries the outer npm's npm_config_* settings: keep them away from the inner npm.
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Top-level packages of the lockfile that a consumer of the package (plus @playwright/test) needs. */
function runtimePackages(): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path]) => path.startsWith('node_modules/') && !path.slice('node_modules/'.length).includes('/node_modules/'))
    .map(([path, meta]) => [path.slice('node_modules/'.length), meta] as const)
    .filter(([name, meta]) => !meta.dev || name === '@playwright/test' || name === 'playwright')
    .map(([name]) => name)
    .filter((name) => existsSync(join(root, 'node_modules', name)));
}

const SPEC = `import { test as base, expect } from '@playwright/test';
import { createServer } from 'node:http';
import { attachPhone, phoneFixtures, type PhoneFixtures } from 'passkey-harness/playwright';
import { createPhone, type RegistrationResponseJSON } from 'passkey-harness/authenticator';

const test = base.extend<PhoneFixtures>(phoneFixtures({ profile: 'yubikey-5', seed: 'packed' }));

const PAGE = \`<!doctype html><title>rp</title><script>
window.register = async () => {
  const c = await navigator.credentials.create({ publicKey: { challenge: new Uint8Array(32).fill(7), rp: { name: 'RP' },
    user: { id: new Uint8Array([1, 2, 3]), name: 'qa', displayName: 'QA' }, pubKeyCredParams: [{ type: 'public-key', alg: -7 }], authenticatorSelection: { residentKey: 'required' } } });
  return c.toJSON();
};
window.login = () => navigator.credentials.get({ publicKey: { challenge: new Uint8Array(32).fill(9) } }).then((c) => c.id, (e) => e.name);
</script>\`;

test('a packed harness phone registers and answers the prompt in a page', async ({ page, phone }) => {
  const server = createServer((_req, res) => res.end(PAGE));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  try {
    await page.goto(\`http://localhost:\${port}/\`);
    const response: RegistrationResponseJSON = await page.evaluate(() => (window as any).register());
    expect(response.type).toBe('public-key');
    expect((await phone.credentials()).map((c) => c.credentialId)).toEqual([response.id]);
    expect(await page.evaluate(() => (window as any).login())).toBe(response.id);
    phone.nextPrompt('deny');
    expect(await page.evaluate(() => (window as any).login())).toBe('NotAllowedError');
    expect(typeof attachPhone).toBe('function');
    expect(createPhone({ profile: 'android-gpm' }).profile.id).toBe('android-gpm');
  } finally {
    server.close();
  }
});
`;

const CONFIG = `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: './tests',
  workers: 1,
  reporter: [['json', { outputFile: 'results.json' }]],
  use: { headless: true, launchOptions: { executablePath: ${JSON.stringify(CHROMIUM_PATH)}, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] } },
});
`;

describe('npm pack → install in another project', () => {
  it('passkey-harness/playwright and passkey-harness/authenticator resolve, typecheck and run a Playwright test there', async () => {
    for (const built of ['dist/core/playwright/index.js', 'dist/core/playwright/index.d.ts', 'dist/core/phone/index.d.ts']) {
      expect(existsSync(join(root, built)), `${built} is missing: run npm run build:cli first`).toBe(true);
    }
    work = await mkdtemp(join(tmpdir(), 'pkh-pack-'));
    // --ignore-scripts: dist/ is already built (npm test builds first); prepare would rebuild it.
    const packed = await run(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: root, env: npmEnv });
    const tarball = join(work, packed.stdout.trim().split('\n').pop()!);
    expect(existsSync(tarball)).toBe(true);

    const consumer = join(work, 'consumer');
    await mkdir(join(consumer, 'tests'), { recursive: true });
    for (const name of runtimePackages()) {
      await mkdir(dirname(join(consumer, 'node_modules', name)), { recursive: true });
      await symlink(join(root, 'node_modules', name), join(consumer, 'node_modules', name), 'dir');
    }
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'qa-suite', private: true, type: 'module', devDependencies: { '@playwright/test': '1.65.1' } }));
    await run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: consumer, env: npmEnv });
    const installed = join(consumer, 'node_modules', 'passkey-harness');
    expect(existsSync(join(installed, 'dist', 'core', 'playwright', 'index.d.ts'))).toBe(true);
    // A real copy from the tarball, not a link back to this checkout.
    expect((await readdir(installed)).sort()).toEqual(expect.arrayContaining(['dist', 'package.json']));
    expect(existsSync(join(installed, 'core'))).toBe(false);

    await writeFile(join(consumer, 'tests', 'phone.spec.ts'), SPEC);
    await writeFile(join(consumer, 'playwright.config.ts'), CONFIG);
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2023', 'DOM'], types: [] }, include: ['tests', 'playwright.config.ts'] }),
    );
    // The shipped declarations resolve through `exports` (a type error fails here).
    await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: consumer }).catch((error: { stdout?: string }) => {
      throw new Error(`the consumer does not typecheck:\n${error.stdout ?? String(error)}`);
    });

    const result = await run(process.execPath, [join(consumer, 'node_modules', '@playwright', 'test', 'cli.js'), 'test'], { cwd: consumer, env: { ...process.env, CI: '1' } }).catch((error: { stdout?: string; stderr?: string }) => error);
    const report = JSON.parse(readFileSync(join(consumer, 'results.json'), 'utf8')) as PlaywrightReport;
    expect(report.errors, JSON.stringify(result).slice(0, 2000)).toEqual([]);
    expect(report.stats, failures(report)).toMatchObject({ expected: 1, unexpected: 0 });
  }, 120_000);
});
