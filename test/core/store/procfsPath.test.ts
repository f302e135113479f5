import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('openStore on a path no folder can be made for', () => {
  // In a child with a deadline: a recursive mkdirSync under procfs spins synchronously, which no vitest timeout can stop.
  it('fails at once naming the folder (procfs), instead of spinning in mkdir', () => {
    const script = `import { openStore } from './core/store/index.ts';
try { openStore({ path: '/proc/pkh-missing/x/y.sqlite' }); console.log('opened'); } catch (e) { console.log('refused', e.code, e.message); }`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(child.error, 'the child hung past 30 s').toBeUndefined();
    expect(child.stdout).toMatch(/^refused ENOENT .*\/proc\/pkh-missing/m);
  });
});
