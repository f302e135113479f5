import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CliError } from '../cliError.js';
import { parsePort, PORT_RULE } from '../config.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exitCodes.js';
import { message, printData } from '../output.js';

interface ServeOptions {
  port?: string;
  host?: string;
}

/**
 * Ctrl-C / SIGTERM from now on: `signal` resolves with the first one. Installed before the first
 * line is printed (a supervisor or test that signals as soon as it sees output must never hit
 * Node's default action, which kills the process: exit null), and kept until `dispose` (after the
 * server closed), so a second Ctrl-C during shutdown cannot kill it half-closed either.
 */
function stopSignal(): { signal: Promise<NodeJS.Signals>; dispose(): void } {
  let resolveSignal: (signal: NodeJS.Signals) => void = () => {};
  const signal = new Promise<NodeJS.Signals>((resolve) => (resolveSignal = resolve));
  const onSignal = (name: NodeJS.Signals) => resolveSignal(name);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** `preface`: a line to print first (once Ctrl-C is handled), e.g. `start`'s browser-mode note. */
export async function serve(ctx: CommandContext, opts: ServeOptions, focus: 'server' | 'console' = 'server', preface?: string) {
  if (ctx.config.server) throw new CliError('USAGE', 'serve starts the embedded server; it cannot be combined with --server');
  const host = opts.host ?? ctx.config.host;
  const port = opts.port === undefined ? ctx.config.port : parsePort(opts.port);
  if (port === undefined) throw new CliError('USAGE', `--port: ${PORT_RULE}, got "${opts.port}"`);
  const stop = stopSignal();
  if (preface) message(ctx.io, preface);
  const { startServer, testScryptCost } = await import('../../core/harness/index.js');
  const { config } = ctx;
  let server;
  try {
    server = await startServer({ dbPath: config.db, vaultPath: config.vault, passphrase: config.passphrase, rpId: config.rpId, origin: config.origin, seed: config.seed, host, port, actor: config.actor, attestation: config.attestation as never });
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    stop.dispose();
    if (cause?.code === 'EADDRINUSE') throw new CliError('SERVER_UNAVAILABLE', `port ${port} on ${host} is in use: if it is a harness on this database, open the URLs it printed; else pick another port (--port 0 picks a free one)`);
    throw error;
  }
  const { operator, viewer, demoCustomer: demo } = server;
  const urls = {
    server: server.url,
    customer: `${server.url}/`,
    console: operator.consoleUrl,
    consoleViewer: viewer?.consoleUrl,
    api: `${server.url}/api/harness/`,
    tokens: { operator: operator.token, viewer: viewer?.token },
    db: config.db,
    ...(server.phones.vault ? { vault: server.phones.vault } : {}),
    ...(demo ? { demoCustomer: { username: demo.username, password: demo.password, email: demo.email } } : {}),
  };
  printData(ctx.io, urls, (u) =>
    focus === 'console'
      ? `${u.console}\n`
      : [
          `server   ${u.server}`,
          `customer ${u.customer}`,
          `console  ${u.console}   (operator ${operator.caller.name})`,
          `viewer   ${u.consoleViewer}   (read-only, ${viewer?.caller.name})`,
          `database ${u.db}`,
        ].join('\n'),
  );
  if (demo) message(ctx.io, `demo customer created: login ID ${demo.username}, password ${demo.password} (${demo.email})`);
  message(ctx.io, 'PASSKEY_HARNESS_TOKEN=<operator token> lets `pkh --server URL ...` act on this server; the tokens change at every start');
  // Issue 11: a seed must never be mistaken for making secrets predictable (or reproducible).
  if (config.seed !== undefined) {
    message(ctx.io, 'seed: phones\' keys, credential IDs and signatures are reproducible; tokens, session IDs, step-up codes, challenges and server secrets still come from the OS CSPRNG');
  }
  const lowCost = testScryptCost(ctx.env);
  if (lowCost !== undefined) message(ctx.io, `warning: PASSKEY_HARNESS_TEST=1 — customer passwords are hashed with the test-only scrypt cost ${lowCost}, not 2^17`);
  const vault = server.phones.vault;
  if (vault?.keyFile) {
    message(ctx.io, `vault key: ${vault.keyFile}${vault.keyFileCreated ? ' (created now)' : ''}; the phones' private keys in ${vault.path} cannot be decrypted without it (or set PASSKEY_HARNESS_VAULT_PASSPHRASE)`);
  }
  message(ctx.io, 'listening; press Ctrl-C to stop');
  // A signal that came while the server started is already here: it stops at once.
  const signal = await stop.signal;
  await server.close();
  stop.dispose();
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
    // The README's first command lands here: show every URL a first-time user needs, not just the console.
    return serve(ctx, opts, 'server', 'Electron is not installed here; starting browser mode instead.');
  }
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn(binary, [root], { stdio: 'inherit' });
  return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? EXIT.OK)));
}
