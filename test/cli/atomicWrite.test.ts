import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../cli/atomicWrite.js';
import { bin, ensureBuilt, root, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

const example = join(root, 'examples', 'scenarios', '01-email-step-up-happy.yaml');
const mode = (path: string) => statSync(path).mode & 0o777;

describe('--output is written atomically', () => {
  it('a write that fails part way (file size limit: EFBIG) leaves the previous report whole and no temp file; USAGE naming the file, exit 2, no stack', () => {
    const dir = tempDir();
    const output = join(dir, 'report.xml');
    writeFileSync(output, '<previous report/>\n');
    // RLIMIT_FSIZE of 512 bytes (sh counts 512-byte blocks): the JUnit report is larger, so its write
    // fails after the first bytes, as on a full disk. Node ignores SIGXFSZ: the write returns EFBIG.
    const run = spawnSync('sh', ['-c', 'ulimit -f 1 && exec "$0" "$@"', process.execPath, bin, 'scenario', 'run', example, '--reporter', 'junit', '--output', 'report.xml'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: dir, NO_COLOR: '1' },
      timeout: 120_000,
    });
    expect(readFileSync(output, 'utf8')).toBe('<previous report/>\n');
    expect(readdirSync(dir).filter((name) => name.includes('report'))).toEqual(['report.xml']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^USAGE: EFBIG: cannot write the report to report\.xml: file too large$/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('the file mode: as writeFileSync gives a new file, the replaced file keeps its own, or the one asked for', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'reference'), 'x');
    writeFileAtomic(join(dir, 'new.xml'), 'new');
    expect(mode(join(dir, 'new.xml'))).toBe(mode(join(dir, 'reference')));
    writeFileSync(join(dir, 'kept.xml'), 'old');
    chmodSync(join(dir, 'kept.xml'), 0o640);
    writeFileAtomic(join(dir, 'kept.xml'), 'replaced');
    expect([readFileSync(join(dir, 'kept.xml'), 'utf8'), mode(join(dir, 'kept.xml'))]).toEqual(['replaced', 0o640]);
    writeFileAtomic(join(dir, 'kept.xml'), 'secret', { mode: 0o600 });
    expect(mode(join(dir, 'kept.xml'))).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['kept.xml', 'new.xml', 'reference']);
  });

  it('noFollow (files holding private keys): a symlink is refused, its target untouched; a plain file is replaced owner-only', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'target.json'), 'old');
    symlinkSync('target.json', join(dir, 'link.json'));
    expect(() => writeFileAtomic(join(dir, 'link.json'), 'secret', { mode: 0o600, noFollow: true })).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/link\.json is a symbolic link; give the file itself$/) }));
    expect(readFileSync(join(dir, 'target.json'), 'utf8')).toBe('old');
    writeFileSync(join(dir, 'export.json'), 'old');
    chmodSync(join(dir, 'export.json'), 0o644);
    writeFileAtomic(join(dir, 'export.json'), 'secret', { mode: 0o600, noFollow: true });
    expect([readFileSync(join(dir, 'export.json'), 'utf8'), mode(join(dir, 'export.json'))]).toEqual(['secret', 0o600]);
    expect(readdirSync(dir).sort()).toEqual(['export.json', 'link.json', 'target.json']);
  });

  it('a symlink keeps pointing at the replaced file; a directory or a missing folder is USAGE naming the path, nothing left behind', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'report.xml'), 'old');
    symlinkSync(join('real', 'report.xml'), join(dir, 'link.xml'));
    writeFileAtomic(join(dir, 'link.xml'), 'new');
    expect(lstatSync(join(dir, 'link.xml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', 'report.xml'), 'utf8')).toBe('new');
    expect(readdirSync(join(dir, 'real'))).toEqual(['report.xml']);

    expect(() => writeFileAtomic(join(dir, 'real'), 'x', { what: 'the report' })).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/^EISDIR: cannot write the report to .*real: illegal operation on a directory$/) }));
    expect(() => writeFileAtomic(join(dir, 'missing', 'r.xml'), 'x')).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/^ENOENT: cannot write .*missing\/r\.xml: no such file or directory$/) }));
    expect(readdirSync(dir).sort()).toEqual(['link.xml', 'real']);
  });

  it('a FIFO (as --output /dev/stdout is) is written in place, not replaced by a regular file', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // The reader is another process: opening a FIFO for writing waits for it.
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let read = '';
    reader.stdout.setEncoding('utf8').on('data', (chunk: string) => (read += chunk));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    writeFileAtomic(fifo, 'through the pipe\n');
    await closed;
    expect(read).toBe('through the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});
