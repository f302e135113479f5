import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../core/makeDirs.js';

describe('makeDirs', () => {
  const root = () => mkdtempSync(join(tmpdir(), 'pkh-dirs-'));

  it('makes every missing level with the mode asked for, and accepts a folder that exists', () => {
    const dir = join(root(), 'a', 'b', 'c');
    makeDirs(dir, { mode: 0o700 });
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(join(dir, '..')).mode & 0o777).toBe(0o700);
    expect(() => makeDirs(dir)).not.toThrow();
  });

  it('refuses a file in the way with Node’s error naming it', () => {
    const base = root();
    writeFileSync(join(base, 'file'), '');
    expect(() => makeDirs(join(base, 'file', 'x'))).toThrow(expect.objectContaining({ code: 'EEXIST', path: join(base, 'file') }));
  });
});
