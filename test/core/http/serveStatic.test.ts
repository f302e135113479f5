import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../core/http/serveStatic.js';

describe('readStaticFile', () => {
  it('serves files under the root only', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pkh-static-unit-'));
    mkdirSync(join(root, 'customer'));
    writeFileSync(join(root, 'customer/index.html'), 'hi');
    expect((await readStaticFile(root, '/'))?.contentType).toBe('text/html; charset=utf-8');
    expect(await readStaticFile(root, '/customer/')).toBeDefined();
    for (const path of ['/../etc/passwd', '/customer/../../x', '/%2e%2e/x', '/customer%2f..%2f..%2fx', '/a%5c..%5cb', '/%00', '/%E0%A4%A']) {
      expect(await readStaticFile(root, path), path).toBeUndefined();
    }
  });

  it('refuses a symlink inside the root that points outside it, and still serves one that stays inside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pkh-static-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    const root = mkdtempSync(join(tmpdir(), 'pkh-static-links-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'assets/app.js'), 'export {};');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'assets/leak.txt'));
    symlinkSync(outside, join(root, 'assets/dir'));
    symlinkSync(join(root, 'assets/app.js'), join(root, 'assets/alias.js'));
    expect(await readStaticFile(root, '/assets/leak.txt')).toBeUndefined();
    expect(await readStaticFile(root, '/assets/dir/secret.txt')).toBeUndefined();
    expect(new TextDecoder().decode((await readStaticFile(root, '/assets/alias.js'))?.body)).toBe('export {};');
    // A root reached through a link of its own is still its own root.
    const linkedRoot = join(mkdtempSync(join(tmpdir(), 'pkh-static-linkroot-')), 'renderer');
    symlinkSync(root, linkedRoot);
    expect(await readStaticFile(linkedRoot, '/assets/app.js')).toBeDefined();
    expect(await readStaticFile(linkedRoot, '/assets/leak.txt')).toBeUndefined();
  });
});
