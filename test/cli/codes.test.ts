import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

/** The last line of stderr as JSON (what `--json` promises scripts). */
function jsonError(stderr: string): { code: string; message: string } {
  const line = stderr.trimEnd().split('\n').at(-1)!;
  return JSON.parse(line);
}

describe('stable codes and --json errors', () => {
  it('login and enroll of an unknown user answer ACCOUNT_NOT_FOUND (exit 5); a locked user ACCOUNT_LOCKED for login, enroll and otp enroll', () => {
    const home = tempDir();
    expect(cli(['phone', 'create', 'p'], { home }).code).toBe(0);
    for (const args of [['login', 'nobody', '--phone', 'p'], ['enroll', 'nobody', '--phone', 'p']]) {
      const run = cli(args, { home });
      expect(run.code, args.join(' ')).toBe(5);
      expect(run.stderr).toBe('ACCOUNT_NOT_FOUND: no customer with login ID nobody\n');
    }
    expect(cli(['user', 'create', 'alice'], { home }).code).toBe(0);
    expect(cli(['enroll', 'alice', '--phone', 'p'], { home }).code).toBe(0);
    expect(cli(['user', 'lock', 'alice', '--reason', 'suspected takeover'], { home }).code).toBe(0);
    for (const args of [['login', 'alice', '--phone', 'p'], ['enroll', 'alice', '--phone', 'p'], ['otp', 'enroll', 'alice', '--no-qr']]) {
      const run = cli(args, { home });
      expect(run.code, args.join(' ')).toBe(6);
      expect(run.stderr).toMatch(/^ACCOUNT_LOCKED: customer alice is locked/);
    }
  }, 60_000);

  it('--json turns every error into {"code","message"} on stderr: not found, usage, invalid scenario', () => {
    const home = tempDir();
    const missing = cli(['user', 'show', 'nobody', '--json'], { home });
    expect(missing.code).toBe(5);
    expect(missing.stdout).toBe('');
    expect(jsonError(missing.stderr)).toEqual({ code: 'ACCOUNT_NOT_FOUND', message: 'no customer with login ID nobody' });

    const usage = cli(['--json', 'user', 'list', '--bogus'], { home });
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stderr)).toEqual({ code: 'USAGE', message: "unknown option '--bogus'" });
    const noReason = cli(['--json', 'user', 'lock', 'x'], { home });
    expect(jsonError(noReason.stderr)).toMatchObject({ code: 'USAGE', message: expect.stringContaining('--reason') });

    const invalid = cli(['scenario', 'validate', 'test/cli/fixtures/invalid.yaml', '--json'], { home });
    expect(invalid.code).toBe(4);
    expect(JSON.parse(invalid.stdout)[0]).toMatchObject({ ok: false, errors: [{ path: 'step 1 › do', line: 3, column: 9 }] });
    expect(jsonError(invalid.stderr)).toMatchObject({ code: 'SCENARIO_INVALID' });

    const run = cli(['scenario', 'run', 'test/cli/fixtures/invalid.yaml', '--json'], { home });
    expect(run.code).toBe(4);
    for (const line of run.stderr.trimEnd().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    expect(JSON.parse(run.stderr.split('\n')[0]!)).toMatchObject({ code: 'SCENARIO_INVALID', details: { file: 'test/cli/fixtures/invalid.yaml' } });
    // Without --json the same errors stay `CODE: message`.
    expect(cli(['user', 'show', 'nobody'], { home }).stderr).toMatch(/^ACCOUNT_NOT_FOUND: no customer with login ID nobody\n$/m);
  }, 60_000);
});
