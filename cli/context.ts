import { dirname } from 'node:path';
import type { HarnessApi } from '../core/harness/channels.js';
import { makeDirs } from '../core/makeDirs.js';
import { shouldColor } from '../core/scenario/reporters/formatHuman.js';
import { CliError } from './cliError.js';
import { resolveConfig, type CliConfig, type GlobalFlags } from './config.js';
import { message, type Io } from './output.js';

export interface CommandContext {
  io: Io;
  config: CliConfig;
  debug: boolean;
  env: NodeJS.ProcessEnv;
  /** The harness: in-process by default, or over HTTP with `--server URL`. Opened on first use. */
  harness(): Promise<HarnessApi>;
  close(): Promise<void>;
}

export async function createContext(
  globals: Record<string, unknown>,
  streams: { stdout: Io['stdout']; stderr: Io['stderr']; env: NodeJS.ProcessEnv },
): Promise<CommandContext> {
  const flags: GlobalFlags = {};
  for (const key of ['server', 'db', 'vault', 'rpId', 'origin', 'host', 'port', 'seed', 'config', 'as', 'role', 'attestationPolicy'] as const) {
    const value = globals[key];
    if (typeof value === 'string') flags[key] = value;
  }
  const config = resolveConfig(flags, streams.env);
  const io: Io = {
    stdout: streams.stdout,
    stderr: streams.stderr,
    json: globals.json === true,
    color: shouldColor(streams.env, Boolean(streams.stdout.isTTY)),
  };
  let opened: { api: HarnessApi; close(): Promise<void> } | undefined;
  return {
    io,
    config,
    debug: globals.debug === true,
    env: streams.env,
    async harness() {
      if (opened) return opened.api;
      if (config.server) {
        const { createHttpHarnessClient } = await import('../core/harness/createHttpHarnessClient.js');
        // The server knows the caller only by its bearer token; without one it answers 401 AUTH_REQUIRED.
        const headers: Record<string, string> = config.token ? { authorization: `Bearer ${config.token}` } : {};
        opened = { api: createHttpHarnessClient({ baseUrl: config.server, headers }), close: async () => {} };
      } else {
        // Fails fast where Node's recursive mkdir would spin (a path under /proc: core/makeDirs.ts).
        const folderOf = (what: string, path: string) => {
          try {
            makeDirs(dirname(path));
          } catch (error) {
            throw new CliError('USAGE', `cannot create the folder of the ${what} ${path}: ${(error as Error).message}`);
          }
        };
        if (config.db !== ':memory:') folderOf('database', config.db);
        if (config.vault !== undefined && config.vault !== ':memory:') folderOf('phone vault', config.vault);
        const { createHarness } = await import('../core/harness/createHarness.js');
        const harness = await createHarness({
          dbPath: config.db,
          vaultPath: config.vault,
          passphrase: config.passphrase,
          rpId: config.rpId,
          origin: config.origin ?? `http://${config.rpId}:${config.port}`,
          seed: config.seed,
          actor: config.actor,
          attestation: config.attestation as never,
        });
        opened = { api: harness, close: () => harness.close() };
        // First use made the vault's random key: say where it is, once (serve says it at every start).
        const { vault } = await harness['harness.info']({});
        if (vault?.keyFileCreated) message(io, `created vault key ${vault.keyFile}: the phones' private keys in ${vault.path} cannot be decrypted without it`);
      }
      return opened.api;
    },
    async close() {
      await opened?.close();
    },
  };
}
