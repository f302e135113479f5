import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
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
});
