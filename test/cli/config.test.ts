import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../cli/config.js';
import { EXIT, exitCodeFor } from '../../cli/exitCodes.js';

function project(config: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-config-'));
  writeFileSync(join(dir, 'passkey-harness.config.json'), JSON.stringify(config));
  return dir;
}

describe('config precedence: flags > env > project file > defaults', () => {
  it('uses defaults with nothing set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkh-config-'));
    const c = resolveConfig({}, { XDG_DATA_HOME: '/data' }, dir);
    expect(c).toMatchObject({ db: '/data/passkey-harness/server.sqlite', rpId: 'localhost', port: 8787, host: '127.0.0.1', server: undefined });
  });

  it('file beats defaults, env beats file, flag beats env', () => {
    const dir = project({ port: 9000, rpId: 'file.example', db: 'file.sqlite' });
    expect(resolveConfig({}, {}, dir)).toMatchObject({ port: 9000, rpId: 'file.example', db: join(dir, 'file.sqlite') });
    expect(resolveConfig({}, { PASSKEY_HARNESS_PORT: '9100', PASSKEY_HARNESS_RP_ID: 'env.example' }, dir)).toMatchObject({ port: 9100, rpId: 'env.example' });
    const c = resolveConfig({ port: '9200' }, { PASSKEY_HARNESS_PORT: '9100' }, dir);
    expect(c.port).toBe(9200);
    expect(c.sources).toMatchObject({ port: 'flag', rpId: 'file', db: 'file' });
  });

  it('the actor defaults to cli:<os user> (operator), --as / PASSKEY_HARNESS_ACTOR name it, and the --server token comes only from PASSKEY_HARNESS_TOKEN', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkh-config-'));
    expect(resolveConfig({}, {}, dir).actor).toEqual({ name: `cli:${userInfo().username}`, role: 'operator' });
    expect(resolveConfig({ role: 'viewer' }, {}, dir).actor).toEqual({ name: `cli:${userInfo().username}:viewer`, role: 'viewer' });
    expect(resolveConfig({}, { PASSKEY_HARNESS_ACTOR: 'sato' }, dir).actor.name).toBe('sato');
    expect(resolveConfig({ as: 'suzuki' }, { PASSKEY_HARNESS_ACTOR: 'sato' }, dir).actor.name).toBe('suzuki');
    expect(() => resolveConfig({ role: 'root' }, {}, dir)).toThrow(/role must be viewer or operator/);
    expect(resolveConfig({}, { PASSKEY_HARNESS_TOKEN: 'tok' }, dir).token).toBe('tok');
    expect(() => resolveConfig({}, {}, project({ token: 'tok' }))).toThrow(/secret; set PASSKEY_HARNESS_TOKEN in the environment/);
  });

  it('the passphrase comes only from PASSKEY_HARNESS_VAULT_PASSPHRASE', () => {
    expect(resolveConfig({}, { PASSKEY_HARNESS_VAULT_PASSPHRASE: 's3cret' }, project({})).passphrase).toBe('s3cret');
    expect(() => resolveConfig({}, {}, project({ passphrase: 'x' }))).toThrow(/PASSKEY_HARNESS_VAULT_PASSPHRASE/);
  });

  it('rejects unknown keys, bad ports and non-URL servers with CONFIG_INVALID', () => {
    expect(() => resolveConfig({}, {}, project({ prot: 1 }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => resolveConfig({}, { PASSKEY_HARNESS_PORT: '70000' }, project({}))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => resolveConfig({ server: 'localhost:1' }, {}, project({}))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses an empty port and any port that is not a plain integer 0–65535, naming the key and where it came from', () => {
    const file = (config: Record<string, unknown>) => {
      const dir = project(config);
      return { dir, path: join(dir, 'passkey-harness.config.json') };
    };
    const empty = file({ port: '' });
    expect(() => resolveConfig({}, {}, empty.dir)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: `${empty.path}: "port" is empty; remove it to use the default` }));
    for (const port of [80.5, -1, 65536, ' 8080', '0x50', '1e3', '8080abc']) {
      const bad = file({ port });
      expect(() => resolveConfig({}, {}, bad.dir)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(`"port" in ${bad.path}: port must be an integer`) }));
    }
    expect(() => resolveConfig({}, { PASSKEY_HARNESS_PORT: '0x50' }, project({}))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/^PASSKEY_HARNESS_PORT: port must be/) }));
    // A flag is a usage error, as `serve --port` reports it.
    expect(() => resolveConfig({ port: '8O80' }, {}, project({}))).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/^--port: port must be/) }));
    expect(() => resolveConfig({ port: '70000' }, {}, project({}))).toThrow(expect.objectContaining({ code: 'USAGE' }));
    // 0 is documented: pick a free port (pkh serve --port 0).
    expect(resolveConfig({}, {}, project({ port: 0 })).port).toBe(0);
    expect(resolveConfig({}, {}, project({ port: '443' })).port).toBe(443);
    expect(() => resolveConfig({}, {}, project({ db: '' }))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('"db" is empty') }));
  });
});

describe('exit codes', () => {
  it('maps error codes to documented exit codes', () => {
    expect(exitCodeFor('EXPECTATION_FAILED')).toBe(EXIT.FAILURE);
    expect(exitCodeFor('REASON_REQUIRED')).toBe(EXIT.USAGE);
    expect(exitCodeFor('SERVER_UNAVAILABLE')).toBe(EXIT.UNAVAILABLE);
    expect(exitCodeFor('SCENARIO_INVALID')).toBe(EXIT.DATA);
    expect(exitCodeFor('ACCOUNT_NOT_FOUND')).toBe(EXIT.NOT_FOUND);
    expect(exitCodeFor('OTP_INVALID')).toBe(EXIT.REFUSED);
    expect(exitCodeFor('INTERNAL')).toBe(EXIT.INTERNAL);
  });
});
