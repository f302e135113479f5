// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMER } from '../../../core/harness/createDemoCustomer.js';
import { startServer, type RunningServer } from '../../../core/harness/startServer.js';
import { isHarnessError } from '../../../core/errors.js';
import { CSRF_HEADER } from '../../../core/http/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-start-server-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Files under `dir` this process holds open (Linux /proc): a closed harness holds none. */
function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(dir) ? [target] : [];
    } catch {
      return []; // the fd closed while we listed (readdir's own handle)
    }
  });
}

async function start(options: Parameters<typeof startServer>[0]): Promise<RunningServer> {
  const server = await startServer({ staticDir: null, ...options });
  cleanups.push(() => server.close());
  return server;
}

describe('startServer (serve, start and the desktop app)', () => {
  it('creates the database folder, the vault beside it and the demo customer, and serves the harness to the operator token', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'nested', 'server.sqlite');
    const server = await start({ dbPath, actor: { name: 'cli:tester', role: 'operator' } });
    expect(server.url).toBe(`http://localhost:${server.port}`);
    expect(server.origin).toBe(`http://localhost:${server.port}`);
    expect(existsSync(join(dir, 'nested', 'server.phones.sqlite'))).toBe(true);
    expect(existsSync(join(dir, 'nested', 'server.phones.key'))).toBe(true);
    expect(server.demoCustomer).toEqual(DEMO_CUSTOMER);
    expect(server.operator.caller).toEqual({ name: 'cli:tester', role: 'operator' });
    expect(server.viewer?.caller).toEqual({ name: 'cli:tester:viewer', role: 'viewer' });
    expect(server.operator.consoleUrl).toBe(`${server.url}/console/#token=${server.operator.token}`);

    const call = (token: string, channel: string) =>
      fetch(`${server.url}/api/harness/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: server.url, [CSRF_HEADER]: '1' }, body: '{}' });
    const users = await call(server.operator.token, 'users.list');
    expect(users.status).toBe(200);
    expect(JSON.stringify(await users.json())).toContain(DEMO_CUSTOMER.username);
    expect((await call('not-a-token', 'users.list')).status).toBe(401);

    // The returned phones are the harness's own registry (the desktop app's phone windows rely on it).
    await server.harness['phones.create']({ name: 'shared' });
    expect(server.phones.list().map((p) => p.name)).toEqual(['shared']);
  });

  it('a restart on the same database rotates the tokens and leaves the existing customers alone', async () => {
    const dbPath = join(tempDir(), 'server.sqlite');
    const first = await startServer({ dbPath, staticDir: null, actor: { name: 'cli:tester', role: 'operator' } });
    const oldToken = first.operator.token;
    await first.close();
    const second = await start({ dbPath, actor: { name: 'cli:tester', role: 'operator' } });
    expect(second.demoCustomer).toBeUndefined();
    expect(second.harness.authenticate(oldToken)).toBeUndefined();
    expect(second.harness.authenticate(second.operator.token)).toEqual({ name: 'cli:tester', role: 'operator' });
    expect(second.harness.authenticate(second.viewer!.token)).toEqual({ name: 'cli:tester:viewer', role: 'viewer' });
  });

  it('a viewer who starts it gets an operator identity beside their own; viewerToken: false mints no read-only token', async () => {
    const byViewer = await start({ dbPath: ':memory:', actor: { name: 'sato', role: 'viewer' } });
    expect(byViewer.viewer?.caller).toEqual({ name: 'sato', role: 'viewer' });
    expect(byViewer.operator.caller).toEqual({ name: 'sato:operator', role: 'operator' });
    const desktop = await start({ dbPath: ':memory:', actor: { name: 'app:me', role: 'operator' }, viewerToken: false, rpId: 'localhost' });
    expect(desktop.viewer).toBeUndefined();

  });

  it("a second start on the same database whose port is taken leaves the running server's tokens working", async () => {
    const dbPath = join(tempDir(), 'server.sqlite');
    const actor = { name: 'cli:tester', role: 'operator' } as const;
    const running = await start({ dbPath, actor });
    const error = await startServer({ dbPath, port: running.port, staticDir: null, actor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isHarnessError(error, 'SERVER_UNAVAILABLE')).toBe(true);
    // The tokens the running server printed (its console URLs) still open it.
    expect(running.harness.authenticate(running.operator.token)).toEqual(actor);
    expect(running.harness.authenticate(running.viewer!.token)).toEqual({ name: 'cli:tester:viewer', role: 'viewer' });
    const users = await fetch(`${running.url}/api/harness/users.list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.operator.token}`, 'content-type': 'application/json', origin: running.url, [CSRF_HEADER]: '1' },
      body: '{}',
    });
    expect(users.status).toBe(200);
  });

  it('a port in use fails with SERVER_UNAVAILABLE (cause EADDRINUSE, which the CLI names) and closes the harness it opened', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const dir = tempDir();
    const dbPath = join(dir, 'server.sqlite');
    const error = await startServer({ dbPath, port, staticDir: null, actor: { name: 'cli:tester', role: 'operator' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isHarnessError(error, 'SERVER_UNAVAILABLE')).toBe(true);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    expect(openFilesUnder(dir)).toEqual([]);
    // The demo customer was written before listen failed; a start on a free port finds the database usable.
    const retry = await start({ dbPath, actor: { name: 'cli:tester', role: 'operator' } });
    expect(retry.demoCustomer).toBeUndefined();
  });
});
