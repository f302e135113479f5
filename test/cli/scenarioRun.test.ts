import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { bin, cli, ensureBuilt, root, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

const examples = join(root, 'examples', 'scenarios');
const SUMMARY = /^\d+ passed, \d+ failed \(/m;

describe('scenario run for CI: progress, errors, JUnit', () => {
  it('`scenario run examples/scenarios > out.txt` writes one line per finished scenario while running, then the summary once', async () => {
    const dir = tempDir();
    const outPath = join(dir, 'out.txt');
    writeFileSync(outPath, '');
    const out = openSync(outPath, 'w');
    // stdout is the file itself, exactly as a shell's `> out.txt` makes it.
    const child = spawn(process.execPath, [bin, 'scenario', 'run', 'examples/scenarios', '--seed', 'ci'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: dir, NO_COLOR: '1' },
      stdio: ['ignore', out, 'pipe'],
    });
    closeSync(out);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let running = true;
    void exited.then(() => (running = false));
    // The first time the file holds a finished scenario's line: was the child still running, and was the summary still unwritten?
    // (If nothing shows before the child exits, the exit settles it: a buffering CLI fails here instead of timing out.)
    const firstSight = await new Promise<{ text: string; running: boolean }>((resolve) => {
      const watcher = watch(outPath, () => {
        const text = readFileSync(outPath, 'utf8');
        if (/^[✔✘] /m.test(text)) {
          watcher.close();
          resolve({ text, running });
        }
      });
      void exited.then(() => {
        watcher.close();
        resolve({ text: readFileSync(outPath, 'utf8'), running: false });
      });
    });
    expect(firstSight.running).toBe(true);
    expect(firstSight.text).not.toMatch(SUMMARY);
    expect(await exited).toBe(0);

    const text = readFileSync(outPath, 'utf8');
    const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
    const lines = text.split('\n').filter((l) => /^[✔✘] /.test(l));
    expect(lines).toHaveLength(files.length);
    for (const line of lines) expect(line).toMatch(/^✔ .+ \(examples\/scenarios\/[^,]+\.yaml, \d+ ms\)$/);
    expect(text.match(new RegExp(SUMMARY.source, 'gm'))).toHaveLength(1);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^${files.length} passed, 0 failed \\(${files.length} scenarios, seed ci, \\d+ ms\\)$`));
  }, 120_000);

  it('a directory with invalid files reports every one (did you mean, file:line:column, caret) and still runs the valid ones; exit non-zero', () => {
    const dir = tempDir();
    const suite = join(dir, 'suite');
    mkdirSync(suite);
    copyFileSync(join(examples, '01-email-step-up-happy.yaml'), join(suite, '01-good.yaml'));
    writeFileSync(join(suite, '02-typo.yaml'), 'name: typo\nsteps:\n  - do: enrol\n    user: a\n    phone: p\n');
    writeFileSync(join(suite, '03-malformed.yaml'), 'name: malformed\nsteps:\n  - do: check: x\n');
    const output = join(dir, 'report.xml');
    const run = cli(['scenario', 'run', suite, '--reporter', 'junit', '--output', output], { home: dir, cwd: dir });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('suite/02-typo.yaml:3:9: step 1 › do: unknown step "enrol" — did you mean "enroll"?\n  3 |   - do: enrol\n    |         ^');
    expect(run.stderr).toContain('suite/03-malformed.yaml:3:9: YAML: ');
    expect(run.stderr).toContain('  3 |   - do: check: x\n    |         ^');
    for (const line of run.stderr.split('\n')) expect(line).not.toMatch(/:\s*$/);
    // The valid file ran, and the report shows the invalid ones as errors.
    expect(run.stderr).toMatch(/^✔ .+ \(suite\/01-good\.yaml, \d+ ms\)$/m);
    expect(run.stderr).toContain('1 passed, 0 failed (1 scenario, 2 invalid files not run,');
    const xml = readFileSync(output, 'utf8');
    expect(xml).toContain('errors="2"');
    expect(xml).toContain('<testcase classname="suite/02-typo.yaml" name="(scenario file)"');
    expect(xml).toContain('<testcase classname="suite/01-good.yaml" name="1: createUser"');
  }, 60_000);

  it('on a terminal a long run shows a live bar under the lines, cleared before each line and at the end', async () => {
    const writes: string[] = [];
    const stdout = { isTTY: true, write: (text: string) => writes.push(text) };
    const stderr = { isTTY: false, write: (text: string) => writes.push(`[stderr]${text}`) };
    const code = await main(['node', 'pkh', '--db', ':memory:', '--vault', ':memory:', 'scenario', 'run', join(examples, '01-email-step-up-happy.yaml'), '--repeat', '10', '--seed', 'bar'], {
      stdout,
      stderr,
      env: { NO_COLOR: '1' },
    });
    expect(code).toBe(0);
    const bars = writes.filter((w) => /^\[[#.]{30}\] \d+\/10/.test(w));
    expect(bars.length).toBeGreaterThanOrEqual(10);
    expect(bars[0]).toMatch(/^\[\.{30}\] 0\/10 · /);
    const clears: string[] = writes.filter((w) => w === '\r\u001b[2K');
    expect(clears.length).toBe(bars.length);
    const text = writes.filter((w) => !bars.includes(w) && !clears.includes(w)).join('');
    expect(text.split('\n').filter((l) => l.startsWith('✔ '))).toHaveLength(10);
    expect(text.match(new RegExp(SUMMARY.source, 'gm'))).toHaveLength(1);
    // Not a terminal: no bar, the same lines.
    const plain: string[] = [];
    await main(['node', 'pkh', '--db', ':memory:', '--vault', ':memory:', 'scenario', 'run', join(examples, '01-email-step-up-happy.yaml'), '--repeat', '10'], {
      stdout: { write: (t: string) => plain.push(t) },
      stderr: { write: (t: string) => plain.push(t) },
      env: { NO_COLOR: '1' },
    });
    expect(plain.some((w) => w.includes('\r'))).toBe(false);
    expect(plain.join('').split('\n').filter((l) => l.startsWith('✔ '))).toHaveLength(10);
  }, 60_000);

  it('--json: the report on stdout, one JSON event per finished scenario on stderr', async () => {
    let stdout = '';
    let stderr = '';
    const code = await main(['node', 'pkh', '--json', 'scenario', 'run', join(examples, '01-email-step-up-happy.yaml'), '--repeat', '2', '--seed', 'j'], {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env: { NO_COLOR: '1' },
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ total: 2, passed: 2, seed: 'j' });
    const events = stderr.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(events).toEqual([1, 2].map((done) => expect.objectContaining({ event: 'scenario', status: 'passed', done, total: 2 })));
  }, 60_000);

  it('--repeat and --concurrency past their bounds are usage errors (99999999999 repeats was a fatal out-of-memory)', () => {
    const dir = tempDir();
    const file = join(examples, '01-email-step-up-happy.yaml');
    for (const flags of [['--repeat', '1001'], ['--concurrency', '65'], ['--repeat', '99999999999']]) {
      const run = cli(['scenario', 'run', file, ...flags], { home: dir, timeout: 30_000 });
      expect(run.code, flags.join(' ')).toBe(2);
      expect(run.stderr, flags.join(' ')).toMatch(new RegExp(`^USAGE: ${flags[0]} must be an integer from 1 to \\d+, got "${flags[1]}"$`, 'm'));
    }
  }, 120_000);

  it('a file named twice (directly, as ./file, and inside a folder given too) runs once', () => {
    const dir = tempDir();
    const suite = join(dir, 'suite');
    mkdirSync(suite);
    writeFileSync(join(suite, 'a.yaml'), 'name: a\nsteps: [{ do: check }]\n');
    const run = cli(['scenario', 'run', 'suite/a.yaml', './suite/a.yaml', 'suite', '--reporter', 'tap'], { home: dir, cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual(['TAP version 14', '1..1', 'ok 1 - a']);
  }, 60_000);
});
