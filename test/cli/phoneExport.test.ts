// @peculiar/x509 (the authenticator's attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';


/** The CLI in this process (no build needed): exit code, stdout, stderr. */
async function pkh(home: string, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'pkh', '--db', join(home, 'server.sqlite'), ...args], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: home, NO_COLOR: '1', PASSKEY_HARNESS_VAULT_PASSPHRASE: 'export test' },
  });
  return { code, stdout, stderr };
}

// One vault with phone p1 for every test (each open costs a scrypt).
let home = '';
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pkh-export-'));
  expect((await pkh(home, ['phone', 'create', 'p1'])).code).toBe(0);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('pkh phone export (private keys never leave without asking)', () => {
  it('refuses to print private keys without --stdout: exit 2, says to use --output FILE or --stdout, prints nothing', async () => {
    const run = await pkh(home, ['phone', 'export', 'p1']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^USAGE: .*--output FILE.*--stdout/);
    const both = await pkh(home, ['phone', 'export', 'p1', '--stdout', '--output', join(home, 'x.json')]);
    expect(both.code).toBe(2);
  });

  it('--stdout prints the export', async () => {
    const run = await pkh(home, ['phone', 'export', 'p1', '--stdout']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: 'passkey-harness/phone@1', name: 'p1' });
  });

  it('--output creates the file 0600 (even under umask 0)', async () => {
    const file = join(home, 'p1.json');
    const previous = process.umask(0);
    try {
      expect((await pkh(home, ['phone', 'export', 'p1', '--output', file])).code).toBe(0);
    } finally {
      process.umask(previous);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('p1');
  });

  it('--output over an existing world-readable file makes it 0600 and replaces its content', async () => {
    const file = join(home, 'existing.json');
    writeFileSync(file, 'x'.repeat(100_000));
    chmodSync(file, 0o644);
    expect((await pkh(home, ['phone', 'export', 'p1', '--output', file])).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('p1');
  });

  it('--output does not write through a symbolic link', async () => {
    const target = join(home, 'elsewhere.json');
    writeFileSync(target, 'untouched');
    chmodSync(target, 0o644);
    symlinkSync(target, join(home, 'link.json'));
    const run = await pkh(home, ['phone', 'export', 'p1', '--output', join(home, 'link.json')]);
    expect(run.code).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
  });
});

describe('pkh phone import refuses what the vault would store wrongly (VAULT_IMPORT_INVALID naming the field)', () => {
  let exported: Record<string, any>;
  beforeAll(async () => {
    expect((await pkh(home, ['user', 'create', 'importer'])).code).toBe(0);
    expect((await pkh(home, ['phone', 'create', 'source'])).code).toBe(0);
    expect((await pkh(home, ['enroll', 'importer', '--phone', 'source'])).code).toBe(0);
    exported = JSON.parse((await pkh(home, ['phone', 'export', 'source', '--stdout'])).stdout);
  }, 60_000);

  // Each import under a new name, so one wrongly accepted cannot make the next fail as PHONE_EXISTS.
  let copies = 0;
  const importing = async (edit: (data: Record<string, any>) => void) => {
    const data = structuredClone(exported);
    edit(data);
    const file = join(home, 'import.json');
    writeFileSync(file, JSON.stringify(data));
    const name = `copy-${++copies}`;
    const run = await pkh(home, ['--json', 'phone', 'import', file, '--name', name]);
    return { name, code: run.code, error: run.stderr ? JSON.parse(run.stderr.trimEnd().split('\n').at(-1)!) : undefined };
  };

  it('an incomplete device profile', async () => {
    const run = await importing((d) => delete d.profile.transports);
    expect(run.code).toBe(4);
    expect(run.error).toMatchObject({ code: 'VAULT_IMPORT_INVALID', message: expect.stringMatching(/profile\.transports: missing/) });
    const bad = await importing((d) => (d.profile.attachment = 'pocket'));
    expect(bad.error).toMatchObject({ code: 'VAULT_IMPORT_INVALID', message: expect.stringMatching(/profile: attachment:/) });
  });

  it('timestamps a JS Date cannot hold (past ±8.64e15 ms)', async () => {
    for (const [edit, field] of [
      [(d: Record<string, any>) => (d.createdAt = 8.64e15 + 1), 'createdAt'],
      [(d: Record<string, any>) => (d.credentials[0].createdAt = 9e15), 'credentials.0.createdAt'],
      [(d: Record<string, any>) => (d.credentials[0].lastUsedAt = 9e15), 'credentials.0.lastUsedAt'],
    ] as const) {
      const run = await importing(edit);
      expect(run.code).toBe(4);
      expect(run.error).toMatchObject({ code: 'VAULT_IMPORT_INVALID', message: expect.stringContaining(`${field}: Too big`) });
    }
    expect((await importing((d) => (d.createdAt = 8.64e15))).code).toBe(0);
  });

  it('two credentials with the same ID (the vault would keep only the last)', async () => {
    const run = await importing((d) => d.credentials.push({ ...d.credentials[0], userName: 'someone else' }));
    expect(run.code).toBe(4);
    expect(run.error).toMatchObject({ code: 'VAULT_IMPORT_INVALID', message: expect.stringMatching(/credentials\.1\.credentialId: duplicate credential ID .* \(also credentials\.0\)/) });
    expect((await pkh(home, ['--json', 'phone', 'list'])).stdout).not.toContain(`"${run.name}"`);
  });
});
