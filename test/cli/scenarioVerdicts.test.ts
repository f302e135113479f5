import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

/** CI reads the exit code and the report: a failed scenario must show in both, whatever the reporter. */

const passing = 'name: passing\nsteps:\n  - { do: createPhone, phone: p }\n';
const failing = 'name: failing\nsteps:\n  - { do: createPhone, phone: p }\n  - { do: createPhone, phone: q, expect: { error: PHONE_EXISTS } }\n  - { do: check }\n';

function suite(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('scenario run: verdicts and exit codes CI reads', () => {
  it('one failing scenario among passing ones exits 1 with every reporter, and each report counts it', () => {
    const dir = suite({ 'suite/a-pass.yaml': passing, 'suite/b-fail.yaml': failing, 'suite/c-pass.yaml': passing });
    const run = (...flags: string[]) => cli(['scenario', 'run', 'suite', '--seed', 'v', ...flags], { home: dir, cwd: dir });

    const human = run();
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^✘ failing \(suite\/b-fail\.yaml, \d+ ms\)$/m);
    expect(human.stdout).toContain('2 passed, 1 failed (3 scenarios, seed v,');

    const json = run('--reporter', 'json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ total: 3, passed: 2, failed: 1, results: [{ status: 'passed' }, { status: 'failed', failure: { index: 2, code: 'EXPECTATION_FAILED' } }, { status: 'passed' }] });

    const tap = run('--reporter', 'tap');
    expect(tap.code).toBe(1);
    expect(tap.stdout).toMatch(/^TAP version 14\n1\.\.3\nok 1 - passing\nnot ok 2 - failing\n/);
    expect(tap.stdout).toContain('# pass 2\n# fail 1\n');

    const junit = run('--reporter', 'junit', '--output', join(dir, 'steps.xml'));
    expect(junit.code).toBe(1);
    const xml = readFileSync(join(dir, 'steps.xml'), 'utf8');
    expect(xml).toMatch(/<testsuites name="passkey-harness" tests="5" failures="1" errors="0" skipped="1"/);
    expect(xml).toMatch(/<testsuite name="failing" tests="3" failures="1" errors="0" skipped="1"/);
    expect(xml).toMatch(/<testcase classname="suite\/b-fail\.yaml" name="2: createPhone"[^>]*>\n\s*<failure message="EXPECTATION_FAILED: expected PHONE_EXISTS, but the step succeeded"/);

    const perScenario = run('--reporter', 'junit', '--junit-per-scenario', '--output', join(dir, 'runs.xml'));
    expect(perScenario.code).toBe(1);
    const runs = readFileSync(join(dir, 'runs.xml'), 'utf8');
    expect(runs).toMatch(/<testsuites name="passkey-harness" tests="3" failures="1"/);
    expect(runs).toMatch(/<testsuite name="suite\/b-fail\.yaml" tests="1" failures="1"/);
    expect(runs).toMatch(/<testsuite name="suite\/a-pass\.yaml" tests="1" failures="0"/);
  }, 120_000);

  it('every run of --repeat counts, and on worker threads (--concurrency 2) the failures stay in input order', () => {
    const dir = suite({ 'a-fail.yaml': failing, 'b-pass.yaml': passing });
    const run = cli(['scenario', 'run', 'a-fail.yaml', 'b-pass.yaml', '--repeat', '2', '--concurrency', '2', '--reporter', 'json', '--seed', 'v'], { home: dir, cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ total: 4, passed: 2, failed: 2 });
    expect(report.results.map((r: { file: string; iteration: number; status: string }) => `${r.file}#${r.iteration} ${r.status}`)).toEqual(['a-fail.yaml#1 failed', 'b-pass.yaml#1 passed', 'a-fail.yaml#2 failed', 'b-pass.yaml#2 passed']);
  }, 120_000);

  it('a failing scenario in a subfolder of a given folder runs and fails the run', () => {
    const dir = suite({ 'suite/a.yaml': passing, 'suite/nested/deeper/b.yaml': failing });
    const run = cli(['scenario', 'run', 'suite', '--reporter', 'tap'], { home: dir, cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('1..2\nok 1 - passing\nnot ok 2 - failing');
  }, 60_000);

  it('a folder with no scenario files is a usage error (exit 2), not an empty suite that passes', () => {
    const dir = suite({ 'empty/readme.txt': 'no scenarios here\n' });
    mkdirSync(join(dir, 'empty', 'sub'));
    const run = cli(['scenario', 'run', 'empty'], { home: dir, cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^USAGE: no scenario files in empty$/m);
  }, 60_000);

  it('an invalid file beside a failing one exits 4 (the suite is broken), and TAP counts it as a failed point', () => {
    const dir = suite({ 'a-fail.yaml': failing, 'b-invalid.yaml': 'name: x\nsteps:\n  - do: teleport\n' });
    const run = cli(['scenario', 'run', 'a-fail.yaml', 'b-invalid.yaml', '--reporter', 'tap'], { home: dir, cwd: dir });
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^TAP version 14\n1\.\.2\nnot ok 1 - failing\n/);
    expect(run.stdout).toContain('not ok 2 - b-invalid.yaml (invalid, not run)');
    expect(run.stdout).toContain('# pass 0\n# fail 2\n');
  }, 60_000);

  it('scenario validate: a valid file exits 0, any invalid one exits 4', () => {
    const dir = suite({ 'good.yaml': passing, 'bad.yaml': 'name: x\nsteps: []\n' });
    expect(cli(['scenario', 'validate', 'good.yaml'], { home: dir, cwd: dir }).code).toBe(0);
    const run = cli(['scenario', 'validate', 'good.yaml', 'bad.yaml'], { home: dir, cwd: dir });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^SCENARIO_INVALID: 1 of 2 scenario file\(s\) invalid$/m);
  }, 60_000);

  it('over --server: a failed scenario in the server\'s report exits 1; a run the server ends without a report is an error, not a pass', async () => {
    // A stand-in server that speaks the two channels `scenario run --server` follows.
    let progress: unknown;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const channel = decodeURIComponent(request.url!.split('/').pop()!);
        const value = channel === 'scenarios.start' ? { runId: 'r1', total: 1 } : progress;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, value }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = suite({ 'f.yaml': failing });
    const run = async () => {
      let [stdout, stderr] = ['', ''];
      const code = await main(['node', 'pkh', '--server', url, 'scenario', 'run', join(dir, 'f.yaml'), '--reporter', 'tap'], {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        env: { NO_COLOR: '1', PASSKEY_HARNESS_TOKEN: 'test-token' },
      });
      return { code, stdout, stderr };
    };
    try {
      const failure = { step: '2: createPhone', index: 2, code: 'EXPECTATION_FAILED', message: 'expected PHONE_EXISTS, but the step succeeded' };
      const result = { name: 'failing', file: join(dir, 'f.yaml'), iteration: 1, seed: 's', status: 'failed', durationMs: 1, steps: [], failure };
      progress = { runId: 'r1', events: [], done: true, result: { seed: 's', total: 1, passed: 0, failed: 1, durationMs: 1, results: [result] } };
      const failed = await run();
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('not ok 1 - failing');

      progress = { runId: 'r1', events: [], done: true, error: { code: 'INTERNAL', message: 'the runner itself failed' } };
      const broken = await run();
      expect(broken.code).toBe(70);
      expect(broken.stderr).toMatch(/^INTERNAL: the runner itself failed$/m);
      expect(broken.stdout).not.toContain('ok 1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
