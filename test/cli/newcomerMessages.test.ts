import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exitCodes.js';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

/** What a newcomer following the README ran, and what the CLI told them (the built binary). */
describe('messages a newcomer meets', () => {
  it('pkh mds serve nope lists every mode it takes, good included (USAGE, exit 2); good is taken', () => {
    const home = tempDir();
    const wrong = cli(['mds', 'serve', 'nope'], { home });
    expect(wrong.code).toBe(EXIT.USAGE);
    expect(wrong.stderr).toMatch(/^USAGE: .*'nope'.*good, expired, bad-signature, unknown-root, lower-no/m);
    const good = cli(['mds', 'serve', 'good'], { home });
    expect(good.code, good.stderr).toBe(EXIT.OK);
    expect(good.stdout).toContain('serving the good BLOB');
  });

  it('pkh inspect on {} says it is not a WebAuthn response and what one contains (INVALID_INPUT, exit 2), with no check list', () => {
    const home = tempDir();
    const file = join(home, 'empty.json');
    writeFileSync(file, '{}');
    const run = cli(['inspect', file], { home });
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^INVALID_INPUT: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a WebAuthn response`));
    for (const part of ['clientDataJSON', 'attestationObject', 'authenticatorData', 'signature']) expect(run.stderr).toContain(part);
    // An authentication response without its authenticatorData fails that check rather than passing it at 0 bytes.
    writeFileSync(file, JSON.stringify({ id: 'AA', rawId: 'AA', type: 'public-key', response: { clientDataJSON: Buffer.from('{}').toString('base64url') } }));
    const partial = cli(['inspect', file], { home });
    expect(partial.code).toBe(EXIT.FAILURE);
    expect(partial.stdout).toMatch(/^ {2}FAIL {2}WebAuthn §7\.2 step 15 +authenticatorData present — missing$/m);
  });

  it('admin audit --user prints the same table as --credential: the customer by login ID in TARGET, and WHY', () => {
    const home = tempDir();
    const run = (args: string[]) => {
      const r = cli(args, { home });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
      return r;
    };
    run(['user', 'create', 'alice', '--email', 'alice@example.test']);
    run(['phone', 'create', 'p']);
    const { credentialId } = (JSON.parse(run(['--json', 'enroll', 'alice', '--phone', 'p']).stdout) as { passkey: { credentialId: string } }).passkey;
    run(['admin', 'revoke', credentialId, '--reason', 'lost phone', '--ticket', 'SUP-7']);
    for (const filter of [['--user', 'alice'], ['--credential', credentialId]]) {
      const audit = run(['admin', 'audit', ...filter]).stdout;
      expect(audit, filter[0]).toMatch(/^SEQ\s+AT\s+ACTOR\s+ACTION\s+TARGET\s+OUTCOME\s+WHY\n/);
      expect(audit, filter[0]).toMatch(/admin\.revokePasskey\s+alice\s+success\s+lost phone · SUP-7$/m);
      expect(audit, filter[0]).toMatch(/registration\.finish\s+alice\s+success\s+-$/m);
    }
  }, 60_000);

  it('PASSKEY_HARNESS_VAULT_PASSPHRASE against the vault `npm start` sealed with its key file names the vault, its key file and the way out', () => {
    const home = tempDir();
    expect(cli(['user', 'list'], { home }).code).toBe(0);
    const run = cli(['user', 'list'], { home, env: { PASSKEY_HARNESS_VAULT_PASSPHRASE: 'x' } });
    expect(run.code).toBe(EXIT.REFUSED);
    const vault = join(home, 'passkey-harness', 'server.phones.sqlite');
    const key = join(home, 'passkey-harness', 'server.phones.key');
    expect(run.stderr).toContain(`VAULT_LOCKED: ${vault} is sealed with its key file ${key}, not with PASSKEY_HARNESS_VAULT_PASSPHRASE: unset PASSKEY_HARNESS_VAULT_PASSPHRASE`);
    expect(run.stderr).toContain('--db');
  });
});
