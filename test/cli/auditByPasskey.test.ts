import { beforeAll, expect, it } from 'vitest';
import { EXIT } from '../../cli/exitCodes.js';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

interface Entry {
  seq: number;
  actor: string;
  action: string;
  targetLogin: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

// Seed dash-91 gives alice's first credential ID a leading '-' (test/cli/dashCredentialId.test.ts): `--credential -…` must take it as the value.
it('admin audit --credential lists one passkey’s registration, logins and revocation, oldest first, as JSON', () => {
  const home = tempDir();
  const run = (args: string[], seed = 'dash-91') => {
    const r = cli(['--seed', seed, ...args], { home });
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  run(['user', 'create', 'alice', '--email', 'alice@example.test']);
  run(['phone', 'create', 'p']);
  run(['phone', 'create', 'q']);
  const credentialOf = (r: { stdout: string }) => (JSON.parse(r.stdout) as { passkey: { credentialId: string } }).passkey.credentialId;
  const first = credentialOf(run(['--json', 'enroll', 'alice', '--phone', 'p']));
  const second = credentialOf(run(['--json', 'enroll', 'alice', '--phone', 'q'], 'audit-q'));
  expect(first.startsWith('-'), `seed dash-91 no longer yields a '-' credential ID (${first})`).toBe(true);
  run(['login', 'alice', '--phone', 'p']);
  run(['login', 'alice', '--phone', 'q']);
  run(['login', 'alice', '--phone', 'p']);
  run(['admin', 'revoke', first, '--reason', 'lost phone', '--ticket', 'SUP-7']);

  const listed = run(['--json', 'admin', 'audit', '--credential', first]);
  const entries = JSON.parse(listed.stdout) as Entry[];
  // The RP's rows, each beside the harness's own row saying who drove the phone (it names the credential too).
  expect(entries.map((e) => e.action)).toEqual(['registration.finish', 'harness.enroll', 'login.passkey', 'harness.login', 'login.passkey', 'harness.login', 'admin.revokePasskey']);
  expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
  expect(entries.every((e) => e.targetLogin === 'alice' && e.outcome === 'success')).toBe(true);
  expect(entries.at(-1)!.details).toMatchObject({ reason: 'lost phone', ticket: 'SUP-7', credentialId: first });
  expect(listed.stderr).toBe('');

  // The other passkey of the same customer has its own history; --limit keeps the newest, still oldest first.
  expect((JSON.parse(run(['--json', 'admin', 'audit', '--credential', second]).stdout) as Entry[]).map((e) => e.action)).toEqual(['registration.finish', 'harness.enroll', 'login.passkey', 'harness.login']);
  expect((JSON.parse(run(['--json', 'admin', 'audit', '--credential', first, '--limit', '2']).stdout) as Entry[]).map((e) => e.action)).toEqual(['harness.login', 'admin.revokePasskey']);

  // Human output says who, what and why in one table.
  const human = run(['admin', 'audit', `--credential=${first}`]);
  expect(human.stdout).toMatch(/^SEQ\s+AT\s+ACTOR\s+ACTION\s+TARGET\s+OUTCOME\s+WHY/);
  expect(human.stdout).toMatch(/admin\.revokePasskey\s+alice\s+success\s+lost phone · SUP-7/);
}, 180_000);

it('admin audit --credential: an unknown credential is PASSKEY_NOT_FOUND (exit 5), a malformed one INVALID_INPUT (exit 2), not an empty list', () => {
  const home = tempDir();
  expect(cli(['user', 'create', 'bob', '--email', 'bob@example.test'], { home }).code).toBe(0);
  const unknown = cli(['--json', 'admin', 'audit', '--credential', 'AAAAAAAAAAAAAAAAAAAAAA'], { home });
  expect(unknown.code).toBe(EXIT.NOT_FOUND);
  expect(unknown.stdout).toBe('');
  expect(JSON.parse(unknown.stderr.trim().split('\n').at(-1)!)).toMatchObject({ code: 'PASSKEY_NOT_FOUND' });
  const malformed = cli(['--json', 'admin', 'audit', '--credential', 'abc+/def'], { home });
  expect(malformed.code).toBe(EXIT.USAGE);
  expect(malformed.stdout).toBe('');
  expect(JSON.parse(malformed.stderr.trim().split('\n').at(-1)!)).toMatchObject({ code: 'INVALID_INPUT' });
}, 120_000);
