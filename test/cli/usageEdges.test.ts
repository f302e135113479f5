import { spawnSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { bin, cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

it('--json: a command group without its subcommand is one JSON USAGE error on stderr (exit 2), not help text', () => {
  const home = tempDir();
  for (const args of [['admin', '--json'], ['--json']]) {
    const run = cli(args, { home });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/^pkh( admin)? needs a command/) });
  }
  // Without --json a person still gets the help.
  expect(cli(['admin'], { home }).stderr).toMatch(/^Usage: passkey-harness admin/);
});

it('output into a pipe that closes early (| head) ends quietly with exit 0, no EPIPE stack', () => {
  // `true` exits without reading: every write of the CLI then meets a closed pipe.
  const run = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" scenario schema | true`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: tempDir() } });
  expect(run.stderr).not.toMatch(/EPIPE|Unhandled|at /);
});

it('--json keeps stderr JSON lines on a first run too (the vault key notice is {"message"})', () => {
  const home = tempDir();
  const run = cli(['--json', 'user', 'create', 'alice', '--email', 'alice@example.test'], { home });
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  expect(JSON.parse(lines[0]!)).toMatchObject({ message: expect.stringMatching(/^created vault key /) });
  expect(JSON.parse(run.stdout)).toMatchObject({ username: 'alice' });
});
