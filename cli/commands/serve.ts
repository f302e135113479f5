import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { message, printData } from '../output.js';

interface ServeOptions {
  port?: string;
  host?: string;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(signal);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export async function serve(ctx: CommandContext, opts: ServeOptions, focus: 'server' | 'console' = 'server') {
  if (ctx.config.server) throw new CliError('USAGE', 'serve starts the embedded server; it cannot be combined with --server');
  const host = opts.host ?? ctx.config.host;
  let port = opts.port === undefined ? ctx.config.port : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('USAGE', `--port must be 0–65535, got "${opts.port}"`);
  if (port === 0) port = await (await import('../../core/http/pickFreePort.js')).pickFreePort(host);
  const origin = ctx.config.origin ?? `http://${ctx.config.rpId}:${port}`;
  const { mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  if (ctx.config.db !== ':memory:') mkdirSync(dirname(ctx.config.db), { recursive: true });
  const { createHarness } = await import('../../core/harness/createHarness.js');
  const { createHarnessMount } = await import('../../core/harness/createHarnessMount.js');
  const { createDemoCustomer } = await import('../../core/harness/createDemoCustomer.js');
  const { createHttpServer } = await import('../../core/http/index.js');
  const actor = ctx.config.actor;
  const operator = { name: actor.role === 'operator' ? actor.name : `${actor.name}:operator`, role: 'operator' as const };
  const viewer = { name: actor.role === 'viewer' ? actor.name : `${actor.name}:viewer`, role: 'viewer' as const };
  const harness = await createHarness({ dbPath: ctx.config.db, vaultPath: ctx.config.vault, passphrase: ctx.config.passphrase, rpId: ctx.config.rpId, origin, seed: ctx.config.seed, actor });
  let listening;
  let tokens;
  let demo;
  try {
    // Fresh tokens each start (only their hashes are stored): the operator token acts as the
    // local user who started the server; the viewer token is for read-only support staff.
    tokens = { operator: harness.issueToken(operator), viewer: harness.issueToken(viewer) };
    demo = await createDemoCustomer(harness.as(operator));
    const server = createHttpServer({
      rp: harness.rp as never,
      harness: createHarnessMount(harness),
      origins: [origin, `http://127.0.0.1:${port}`, `http://localhost:${port}`],
    });
    listening = await server.listen({ port, host });
  } catch (error) {
    await harness.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError('SERVER_UNAVAILABLE', `port ${port} on ${host} is in use (try --port 0)`);
    throw error;
  }
  // The token travels in the URL fragment, which browsers never send, so it stays out of server and proxy logs.
  const consoleUrl = (token: string) => `${listening.url}/console/#token=${token}`;
  const urls = {
    server: listening.url,
    customer: `${listening.url}/`,
    console: consoleUrl(tokens.operator),
    consoleViewer: consoleUrl(tokens.viewer),
    api: `${listening.url}/api/harness/`,
    tokens,
    db: ctx.config.db,
    ...(demo ? { demoCustomer: { username: demo.username, password: demo.password, email: demo.email } } : {}),
  };
  printData(ctx.io, urls, (u) =>
    focus === 'console'
      ? `${u.console}\n`
      : [
          `server   ${u.server}`,
          `customer ${u.customer}`,
          `console  ${u.console}   (operator ${operator.name})`,
          `viewer   ${u.consoleViewer}   (read-only, ${viewer.name})`,
          `database ${u.db}`,
        ].join('\n'),
  );
  if (demo) message(ctx.io, `demo customer created: login ID ${demo.username}, password ${demo.password} (${demo.email})`);
  message(ctx.io, 'PASSKEY_HARNESS_TOKEN=<operator token> lets `pkh --server URL ...` act on this server; the tokens change at every start');
  if (!ctx.config.passphrase) message(ctx.io, 'note: PASSKEY_HARNESS_VAULT_PASSPHRASE is not set; phone private keys use the built-in development passphrase');
  message(ctx.io, 'listening; press Ctrl-C to stop');
  const signal = await waitForSignal();
  await listening.close();
  await harness.close();
  message(ctx.io, `stopped (${signal})`);
  return EXIT.OK;
}

export async function ui(ctx: CommandContext, opts: ServeOptions) {
  return serve(ctx, opts, 'console');
}

/** The Electron binary, when `npm install` could download it (never on CI machines here). */
function electronBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const path = require('electron') as unknown;
    return typeof path === 'string' ? path : undefined;
  } catch {
    return undefined;
  }
}

export async function start(ctx: CommandContext, opts: ServeOptions) {
  const binary = electronBinary();
  if (!binary) {
    message(ctx.io, 'Electron is not installed here; starting browser mode instead.');
    // The README's first command lands here: show every URL a first-time user needs, not just the console.
    return serve(ctx, opts, 'server');
  }
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn(binary, [root], { stdio: 'inherit' });
  return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? EXIT.OK)));
}
