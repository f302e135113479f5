import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from './cliError.js';

/** Settings every command may use. Secrets (the vault passphrase) only ever come from the environment. */
export interface CliConfig {
  server: string | undefined;
  db: string;
  vault: string | undefined;
  rpId: string;
  origin: string | undefined;
  host: string;
  port: number;
  seed: string | undefined;
  passphrase: string | undefined;
  /** The admin this CLI acts as in-process (`--as`, PASSKEY_HARNESS_ACTOR; default `cli:<os user>`), audited on every admin action. */
  actor: { name: string; role: 'viewer' | 'operator' };
  /** Bearer token for `--server` (PASSKEY_HARNESS_TOKEN only: a secret never comes from a flag or file). */
  token: string | undefined;
  /** The embedded RP's attestation settings (docs/ATTESTATION.md); core/rp rejects unknown values with CONFIG_INVALID. */
  attestation: { attestation?: string; attestationPolicy?: string; unattested?: string; revokedModelAtLogin?: string };
  /** Where each value came from, for `--debug`. */
  sources: Record<string, 'flag' | 'env' | 'file' | 'default'>;
}

export interface GlobalFlags {
  server?: string;
  db?: string;
  vault?: string;
  rpId?: string;
  origin?: string;
  host?: string;
  port?: string;
  seed?: string;
  config?: string;
  as?: string;
  role?: string;
  attestationPolicy?: string;
}

const FILE_KEYS = ['server', 'db', 'vault', 'rpId', 'origin', 'host', 'port', 'seed', 'as', 'role', 'attestation', 'attestationPolicy', 'unattested', 'revokedModelAtLogin'] as const;
type Key = (typeof FILE_KEYS)[number];

const ENV: Record<Key, string> = {
  server: 'PASSKEY_HARNESS_SERVER',
  db: 'PASSKEY_HARNESS_DB',
  vault: 'PASSKEY_HARNESS_VAULT',
  rpId: 'PASSKEY_HARNESS_RP_ID',
  origin: 'PASSKEY_HARNESS_ORIGIN',
  host: 'PASSKEY_HARNESS_HOST',
  port: 'PASSKEY_HARNESS_PORT',
  seed: 'PASSKEY_HARNESS_SEED',
  as: 'PASSKEY_HARNESS_ACTOR',
  role: 'PASSKEY_HARNESS_ROLE',
  attestation: 'PASSKEY_HARNESS_ATTESTATION',
  attestationPolicy: 'PASSKEY_HARNESS_ATTESTATION_POLICY',
  unattested: 'PASSKEY_HARNESS_UNATTESTED',
  revokedModelAtLogin: 'PASSKEY_HARNESS_REVOKED_MODEL_AT_LOGIN',
};

/** The local user is trusted with the embedded database; the audit log names them. */
function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export const CONFIG_FILE = 'passkey-harness.config.json';

export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'passkey-harness');
}

function readConfigFile(path: string, explicit: boolean): Partial<Record<Key, string>> {
  if (!existsSync(path)) {
    if (explicit) throw new CliError('CONFIG_INVALID', `config file not found: ${path}`);
    return {};
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError('CONFIG_INVALID', `${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new CliError('CONFIG_INVALID', `${path}: expected a JSON object`);
  const out: Partial<Record<Key, string>> = {};
  for (const [key, value] of Object.entries(data)) {
    if (/pass(phrase|word)|secret|token/i.test(key)) {
      const variable = /token/i.test(key) ? 'PASSKEY_HARNESS_TOKEN' : 'PASSKEY_HARNESS_VAULT_PASSPHRASE';
      throw new CliError('CONFIG_INVALID', `${path}: "${key}" is a secret; set ${variable} in the environment instead`);
    }
    if (key === '$schema') continue;
    if (!(FILE_KEYS as readonly string[]).includes(key)) throw new CliError('CONFIG_INVALID', `${path}: unknown key "${key}" (known: ${FILE_KEYS.join(', ')})`);
    if (typeof value !== 'string' && typeof value !== 'number') throw new CliError('CONFIG_INVALID', `${path}: "${key}" must be a string or number`);
    // Never a value (`"port": ""` would be port 0, `"db": ""` the current folder): delete the key to use the default.
    if (value === '') throw new CliError('CONFIG_INVALID', `${path}: "${key}" is empty; remove it to use the default`);
    out[key as Key] = String(value);
  }
  return out;
}

export const PORT_RULE = 'port must be an integer 1–65535 (or 0 for a free port)';

/** Digits only, 0–65535 (0: pick a free port, as `pkh serve --port 0`); Number() alone takes "" as 0 and " 0x50" as 80. */
export function parsePort(text: string): number | undefined {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 0 && port <= 65535 ? port : undefined;
}

/** Precedence: flags > environment (PASSKEY_HARNESS_*) > project config file > defaults. */
export function resolveConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): CliConfig {
  const explicitFile = flags.config ?? env.PASSKEY_HARNESS_CONFIG;
  const filePath = resolve(cwd, explicitFile ?? CONFIG_FILE);
  const file = readConfigFile(filePath, explicitFile !== undefined);
  const sources: CliConfig['sources'] = {};
  const pick = (key: Key, fallback?: string): string | undefined => {
    const flag = (flags as Partial<Record<Key, string>>)[key];
    if (flag !== undefined && flag !== '') return (sources[key] = 'flag'), flag;
    const fromEnv = env[ENV[key]];
    if (fromEnv !== undefined && fromEnv !== '') return (sources[key] = 'env'), fromEnv;
    if (file[key] !== undefined) return (sources[key] = 'file'), file[key];
    sources[key] = 'default';
    return fallback;
  };
  /** Where a value came from, for messages: `--port`, `PASSKEY_HARNESS_PORT`, or `"port" in <file>`. */
  const origin = (key: Key) => (sources[key] === 'flag' ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : sources[key] === 'env' ? ENV[key] : `"${key}" in ${filePath}`);
  const portText = pick('port', '8787')!;
  const port = parsePort(portText);
  // A bad flag is a usage error (as `serve --port` says it); a bad environment or file value is bad configuration.
  if (port === undefined) throw new CliError(sources.port === 'flag' ? 'USAGE' : 'CONFIG_INVALID', `${origin('port')}: ${PORT_RULE}, got "${portText}"`);
  const server = pick('server');
  if (server !== undefined && !/^https?:\/\//.test(server)) throw new CliError('CONFIG_INVALID', `server must be an http(s) URL, got "${server}"`);
  const db = pick('db', join(defaultDataDir(env), 'server.sqlite'))!;
  const vault = pick('vault');
  const role = pick('role', 'operator')!;
  if (role !== 'viewer' && role !== 'operator') throw new CliError('CONFIG_INVALID', `role must be viewer or operator, got "${role}"`);
  // A name keeps one role in the database, so the read-only identity gets its own default name.
  const actorName = pick('as', role === 'viewer' ? `cli:${osUser()}:viewer` : `cli:${osUser()}`)!;
  if (actorName.length > 64) throw new CliError('CONFIG_INVALID', 'the --as name is longer than 64 characters');
  return {
    server,
    db: db === ':memory:' ? db : resolve(cwd, db),
    vault: vault === undefined || vault === ':memory:' ? vault : resolve(cwd, vault),
    rpId: pick('rpId', 'localhost')!,
    origin: pick('origin'),
    host: pick('host', '127.0.0.1')!,
    port,
    seed: pick('seed'),
    passphrase: env.PASSKEY_HARNESS_VAULT_PASSPHRASE || undefined,
    actor: { name: actorName, role },
    token: env.PASSKEY_HARNESS_TOKEN || undefined,
    attestation: Object.fromEntries((['attestation', 'attestationPolicy', 'unattested', 'revokedModelAtLogin'] as const).flatMap((k) => {
      const value = pick(k);
      return value === undefined ? [] : [[k, value]];
    })),
    sources,
  };
}
