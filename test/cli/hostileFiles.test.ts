import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

/**
 * Files an outside tester fed the CLI (2026-12-01): raw Node / OpenSSL codes reported as if they were
 * the harness's (exit 6), report names that forged lines or TAP directives, an unbounded clock step.
 */
const failing = (name: string) => `name: ${JSON.stringify(name)}\nsteps:\n  - { do: login, user: nobody }\n`;

describe('hostile files and paths', () => {
  it('a path the caller named that cannot be used is USAGE (exit 2) with what went wrong, not a raw ENOENT code', () => {
    const home = tempDir();
    const dir = join(home, 'scenarios');
    mkdirSync(dir);
    symlinkSync(join(home, 'missing.yaml'), join(dir, 'dangling.yaml'));
    const validate = cli(['scenario', 'validate', dir], { home });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/^USAGE: ENOENT: no such file or directory/m);
    writeFileSync(join(home, 'ok.yaml'), 'name: ok\nsteps:\n  - { do: createUser, user: a }\n');
    const run = cli(['scenario', 'run', join(home, 'ok.yaml'), '--output', join(home, 'no', 'such', 'r.xml')], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^USAGE: ENOENT: .*r\.xml/m);
  }, 60_000);

  it('phone import of a key of another type than its alg says is VAULT_IMPORT_INVALID (exit 4), not an OpenSSL code', () => {
    const home = tempDir();
    expect(cli(['phone', 'create', 'p'], { home }).code).toBe(0);
    expect(cli(['user', 'create', 'alice'], { home }).code).toBe(0);
    expect(cli(['enroll', 'alice', '--phone', 'p'], { home }).code).toBe(0);
    const file = join(home, 'p.json');
    expect(cli(['phone', 'export', 'p', '--output', file], { home }).code).toBe(0);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
    data.credentials[0].privateKey = Buffer.from(ed).toString('base64url');
    data.name = 'imported';
    writeFileSync(file, JSON.stringify(data));
    const run = cli(['--json', 'phone', 'import', file], { home });
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stderr.trimEnd().split('\n').at(-1)!)).toMatchObject({ code: 'VAULT_IMPORT_INVALID', message: expect.stringMatching(/cannot sign with its algorithm/) });
  }, 60_000);

  it('scenario names cannot forge report lines or TAP directives; a clock step past a year is SCENARIO_INVALID', () => {
    const home = tempDir();
    const forged = join(home, 'forged.yaml');
    writeFileSync(forged, failing('failing one\n✔ totally fine (x.yaml, 1 ms) \\# TODO hidden'));
    const human = cli(['scenario', 'run', forged], { home });
    expect(human.code).toBe(1);
    expect(human.stdout).not.toMatch(/^✔ totally fine/m);
    expect(human.stdout).toContain('failing one\\n✔ totally fine');
    const tap = cli(['scenario', 'run', forged, '--reporter', 'tap'], { home });
    expect(tap.code).toBe(1);
    const point = tap.stdout.split('\n').find((l) => l.startsWith('not ok 1'))!;
    // TAP 14: `\\` is a backslash and `\#` a hash — no unescaped `#` starts a directive.
    expect(point).toBe('not ok 1 - failing one\\\\n✔ totally fine (x.yaml, 1 ms) \\\\\\# TODO hidden');
    expect(point.replace(/\\./g, '')).not.toContain('#');
    const clock = join(home, 'clock.yaml');
    writeFileSync(clock, 'name: clock\nsteps:\n  - { do: advanceClock, seconds: 1e300 }\n');
    const validate = cli(['scenario', 'validate', clock], { home });
    expect(validate.code).toBe(4);
    expect(validate.stdout).toMatch(/seconds: Too big/);
  }, 60_000);

  it('human output escapes control characters in names users chose (ESC, BEL, C1); new phone names with them are INVALID_INPUT', () => {
    const home = tempDir();
    // eslint-disable-next-line no-control-regex
    const raw = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
    const create = cli(['phone', 'create', 'evil\u001b[31mred\u0007'], { home });
    expect(create.code).toBe(2);
    expect(create.stderr).toMatch(/^INVALID_INPUT: phone name .* contains a control character$/m);
    expect(create.stderr).not.toMatch(raw);
    expect(cli(['phone', 'create', 'p'], { home }).code).toBe(0);
    const rename = cli(['phone', 'rename', 'p', 'x\u009by'], { home });
    expect(rename.code).toBe(2);
    expect(rename.stderr).toMatch(/^INVALID_INPUT: phone name "x\\x9by" contains a control character$/m);
    // A phone named so before names were checked still lists, escaped; JSON keeps the exact name.
    const named = 'old\u001b[31mname\u0007\nforged';
    const vault = new Database(join(home, 'passkey-harness', 'server.phones.sqlite'));
    vault.prepare('UPDATE phones SET name = ?').run(named);
    vault.close();
    const list = cli(['phone', 'list'], { home });
    expect(list.code).toBe(0);
    expect(list.stdout).not.toMatch(raw);
    expect(list.stdout).toContain('old\\x1b[31mname\\x07\\nforged');
    expect(JSON.parse(cli(['--json', 'phone', 'list'], { home }).stdout)[0].name).toBe(named);
    const missing = cli(['phone', 'show', 'no\u001b[2J'], { home });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('no\\x1b[2J');
    expect(missing.stderr).not.toMatch(raw);
    const badUser = cli(['user', 'create', 'al\u001b]0;title\u0007ice', '--email', 'a@example.test'], { home });
    expect(badUser.code).toBe(2);
    expect(badUser.stderr).toMatch(/^INVALID_INPUT: loginId must not contain control characters$/m);
    expect(badUser.stderr).not.toMatch(raw);
    // An account named so before login IDs were checked (an older database) still lists, escaped.
    expect(cli(['user', 'create', 'alice', '--email', 'a@example.test'], { home }).code).toBe(0);
    const server = new Database(join(home, 'passkey-harness', 'server.sqlite'));
    server.prepare("UPDATE accounts SET login_id = ? WHERE login_id = 'alice'").run('al\u001b]0;title\u0007ice');
    server.close();
    const users = cli(['user', 'list'], { home });
    expect(users.stdout).toContain('al\\x1b]0;title\\x07ice');
    expect(users.stdout).not.toMatch(raw);
  }, 60_000);

  it('inspect prints the values of a hostile response file escaped, one line each', () => {
    const home = tempDir();
    const clientData = { type: 'webauthn.get', challenge: 'Y2hhbGxlbmdl', origin: 'http://e\u001b]0;x\u0007vil\nforged' };
    const file = join(home, 'response.json');
    writeFileSync(file, JSON.stringify({ id: 'ab\u001b[31mcd', rawId: 'ab', type: 'public-key', response: { clientDataJSON: Buffer.from(JSON.stringify(clientData)).toString('base64url') } }));
    const run = cli(['inspect', file], { home });
    expect(run.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    expect(run.stdout).toContain('authentication response ab\\x1b[31mcd');
    expect(run.stdout).toContain('  origin: http://e\\x1b]0;x\\x07vil\\nforged');
    expect(run.stdout).not.toMatch(/^forged/m);
  }, 60_000);

  it('a FIFO named *.yaml in a scenario directory is USAGE naming it, not a hang', () => {
    const home = tempDir();
    const dir = join(home, 'scenarios');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ok.yaml'), 'name: ok\nsteps:\n  - { do: createUser, user: a }\n');
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    // Nothing ever writes to the FIFO: a read would block until the timeout kills the run (code -1).
    for (const command of ['validate', 'run']) {
      const run = cli(['scenario', command, dir], { home, timeout: 20_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^USAGE: .*pipe\.yaml is not a regular file/m);
    }
  }, 60_000);

  it.runIf(process.platform === 'linux')('--db or --vault under /proc is USAGE naming the path at once, not a spin in a recursive mkdir', () => {
    const home = tempDir();
    // procfs answers ENOENT for a new child of a folder that exists: Node's recursive mkdir retries forever.
    const db = cli(['--db', '/proc/x/y.sqlite', 'user', 'list'], { home, timeout: 20_000 });
    expect(db.code).toBe(2);
    expect(db.stderr).toMatch(/^USAGE: cannot create the folder of the database \/proc\/x\/y\.sqlite: ENOENT: .*'\/proc\/x'/m);
    const vault = cli(['--vault', '/proc/x/v.sqlite', 'phone', 'list'], { home, timeout: 20_000 });
    expect(vault.code).toBe(2);
    expect(vault.stderr).toMatch(/^USAGE: cannot create the folder of the phone vault \/proc\/x\/v\.sqlite: ENOENT/m);
  }, 60_000);

  it('a database that cannot be opened leaves no new phone vault, key or trust file beside it', () => {
    const home = tempDir();
    const dir = join(home, 'data');
    mkdirSync(dir);
    const db = join(dir, 'x.sqlite');
    writeFileSync(db, 'not an SQLite database, only text long enough to be read as a header\n'.repeat(2));
    for (const args of [['user', 'list'], ['serve', '--port', '0']]) {
      const run = cli(['--db', db, ...args], { home, timeout: 30_000 });
      expect(run.code).toBe(6);
      expect(run.stderr).toMatch(/^STORE_FAILED: .*not an SQLite database/m);
      expect(readdirSync(dir)).toEqual(['x.sqlite']);
    }
  }, 60_000);

  it('a --vault that is not a vault at all says so (VAULT_LOCKED), not that it was sealed under a passphrase', () => {
    const home = tempDir();
    const notes = join(home, 'notes.txt');
    writeFileSync(notes, 'shopping list: milk, eggs\n');
    for (const env of [{}, { PASSKEY_HARNESS_VAULT_PASSPHRASE: 'some passphrase' }] as Record<string, string>[]) {
      const run = cli(['--vault', notes, 'phone', 'list'], { home, env });
      expect(run.code).toBe(6);
      expect(run.stderr).toMatch(/^VAULT_LOCKED: .*notes\.txt is not a phone vault \(not an SQLite database\)/m);
      expect(run.stderr).not.toMatch(/sealed under a passphrase/);
    }
    expect(readFileSync(notes, 'utf8')).toBe('shopping list: milk, eggs\n');
  }, 60_000);

  it('serve --port "" is USAGE, not port 0 (a free port) by Number("")', () => {
    const home = tempDir();
    for (const port of ['', ' 80', '0x50']) {
      // Before: Number('') is 0, so the server started on a free port and ran until the timeout killed it.
      const run = cli(['--db', ':memory:', 'serve', '--port', port], { home, timeout: 20_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^USAGE: --port: port must be an integer 1–65535 \(or 0 for a free port\)/m);
    }
  }, 90_000);
});
