import { beforeAll, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

// One credential ID in 64 begins with '-'; commander used to read it as an unknown option (exit 2),
// which made support unable to inspect or revoke that passkey (and a CI run flaky).
it('admin inspect and admin revoke accept a credential ID that begins with "-"', () => {
  const home = tempDir();
  const seeded = (args: string[]) => cli(['--seed', 'dash-91', ...args], { home });
  expect(seeded(['user', 'create', 'alice', '--email', 'alice@example.test']).code).toBe(0);
  expect(seeded(['phone', 'create', 'p']).code).toBe(0);
  const enrolled = seeded(['--json', 'enroll', 'alice', '--phone', 'p']);
  const credentialId = (JSON.parse(enrolled.stdout) as { passkey: { credentialId: string } }).passkey.credentialId;
  expect(credentialId.startsWith('-'), `seed dash-91 no longer yields a '-' credential ID (${credentialId}); pick another`).toBe(true);
  const inspected = cli(['--json', 'admin', 'inspect', credentialId], { home });
  expect(inspected.code, inspected.stderr).toBe(0);
  expect((JSON.parse(inspected.stdout) as { credentialId: string }).credentialId).toBe(credentialId);
  const revoked = cli(['admin', 'revoke', credentialId, '--reason', 'lost phone', '--ticket', 'SUP-1'], { home });
  expect(revoked.code, revoked.stderr).toBe(0);
  expect(revoked.stdout).toContain(`revoked ${credentialId}`);
  // A mistyped option is still an unknown option, not an operand.
  expect(cli(['admin', 'inspect', '--credential'], { home }).stderr).toMatch(/^USAGE: unknown option '--credential'/);
}, 120_000);
