import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
});
