import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServer } from '../../../core/harness/index.js';
import { openStore } from '../../../core/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pkh-purge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('startServer purges expired sessions and used-ceremony records at start-up (issue 11)', async () => {
  const dbPath = join(dir, 'server.sqlite');
  const before = openStore({ path: dbPath });
  const accountId = before.accounts.insert({ loginId: 'old', userHandle: new Uint8Array([1]), passwordHash: 'x', tradingPasswordHash: 'y', displayName: 'Old', createdAt: 0 });
  before.sessions.create({ tokenHash: 'stale', accountId, now: 0 });
  before.ceremonies.markUsed({ label: 'stale', usedAt: 0, expiresAt: 1 });
  before.close();
  const server = await startServer({ dbPath, staticDir: null, actor: { name: 'tester', role: 'operator' } });
  try {
    const reader = openStore({ path: dbPath });
    try {
      expect(reader.sessions.byTokenHash('stale')).toBeUndefined();
      expect(reader.ceremonies.usedAt('stale')).toBeUndefined();
    } finally {
      reader.close();
    }
  } finally {
    await server.close();
  }
});
