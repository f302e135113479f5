import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPhone } from '../../core/phone/index.js';
import { cli, ensureBuilt, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);
// Each test spawns several CLI processes (each opens a database and the vault).
const SLOW = 180_000;

/** Issue 12 "every knob from every front end": attestation, faults, custom profiles, the inspector. */
describe('pkh knobs', () => {
  it('phone profiles lists the built-ins with AAGUID, algorithms, attestation, BE/BS, counter, transports, UV method', () => {
    const home = tempDir();
    const json = cli(['--json', 'phone', 'profiles'], { home });
    expect(json.code, json.stderr).toBe(0);
    const profiles = JSON.parse(json.stdout) as { id: string; aaguid: string; algorithmNames: string[]; attestation: string; counterPolicy: string; uvMethod: string }[];
    expect(profiles.map((p) => p.id)).toEqual(['iphone-icloud', 'android-gpm', 'yubikey-5', 'windows-hello']);
    expect(profiles[2]).toMatchObject({ aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', algorithmNames: ['ES256', 'EdDSA', 'RS256'], attestation: 'packed-x5c', counterPolicy: 'increment' });
    const human = cli(['phone', 'profiles'], { home });
    expect(human.stdout).toMatch(/^id\s+aaguid\s+algorithms\s+attestation\s+BE\/BS\s+counter\s+transports\s+uv/i);
    expect(human.stdout).toMatch(/iphone-icloud\s+fbfc3007-154e-4ecc-8c0b-6e020557d7bd\s+ES256\s+none\s+1\/1\s+zero/);
    // Static data: nothing is opened or created to print it.
    expect(existsSync(join(home, 'passkey-harness'))).toBe(false);
  }, SLOW);

  it('phone create --profile-file: a custom profile validated by the published schema, named by its label', () => {
    const home = tempDir();
    const schema = JSON.parse(cli(['phone', 'profile-schema'], { home }).stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'label', 'aaguid']));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['attestation', 'algorithms', 'counterPolicy', 'backupState']));

    const bad = join(home, 'bad.json');
    writeFileSync(bad, JSON.stringify({ id: 'x', label: 'X', aaguid: 'not-a-uuid', colour: 'red' }));
    const refused = cli(['phone', 'create', 'bad-key', '--profile-file', bad], { home });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/CONFIG_INVALID: .*aaguid/);
    expect(refused.stderr).toMatch(/colour/);
    const incoherent = join(home, 'incoherent.json');
    writeFileSync(incoherent, JSON.stringify({ id: 'x', label: 'X', aaguid: '6d44ba9b-f6ec-2e49-b930-0c8fe920cb73', backupState: true }));
    expect(cli(['phone', 'create', 'bad-key', '--profile-file', incoherent], { home }).stderr).toMatch(/CONFIG_INVALID: .*backupState requires backupEligible/);

    const acme = join(home, 'acme.json');
    writeFileSync(acme, JSON.stringify({ id: 'acme-key', label: 'Acme Key 2', aaguid: '2fc0579f-8113-47ea-b116-bb5a8db9202a', attestation: 'packed-self' }));
    expect(cli(['phone', 'create', 'acme', '--profile-file', acme], { home }).code).toBe(0);
    expect(cli(['phone', 'create', 'u2f', '--profile-file', 'examples/profiles/u2f-key.json'], { home }).code).toBe(0);
    expect(cli(['user', 'create', 'alice'], { home }).code).toBe(0);
    const enrolled = cli(['--json', 'enroll', 'alice', '--phone', 'acme', '--attestation', 'direct'], { home });
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const { passkey } = JSON.parse(enrolled.stdout) as { passkey: { credentialId: string; authenticatorName: string } };
    expect(passkey.authenticatorName).toBe('Acme Key 2');
    expect(cli(['enroll', 'alice', '--phone', 'u2f', '--attestation', 'direct'], { home }).code).toBe(0);
    const passkeys = JSON.parse(cli(['--json', 'admin', 'passkeys', 'alice'], { home }).stdout) as { credentialId: string; authenticatorName: string }[];
    expect(passkeys.map((p) => p.authenticatorName)).toEqual(['Acme Key 2', 'Unknown (zero AAGUID)']);
    const detail = JSON.parse(cli(['--json', 'admin', 'inspect', passkeys[1]!.credentialId], { home }).stdout) as { fmt: string };
    expect(detail.fmt).toBe('fido-u2f');
  }, SLOW);

  it('enroll --attestation direct --fault corruptSignature: the registration is refused', () => {
    const home = tempDir();
    cli(['phone', 'create', 'key', '--profile', 'yubikey-5'], { home });
    cli(['user', 'create', 'bob'], { home });
    const refused = cli(['enroll', 'bob', '--phone', 'key', '--attestation', 'direct', '--fault', 'corruptSignature'], { home });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/^SIGNATURE_INVALID: /);
    const none = JSON.parse(cli(['--json', 'admin', 'passkeys', 'bob'], { home }).stdout) as unknown[];
    expect(none).toHaveLength(0);
    expect(cli(['enroll', 'bob', '--phone', 'key', '--fault', 'nonsense'], { home }).stderr).toMatch(/Allowed choices are/);
  }, SLOW);

  it('login --fault counterRegression goes below what the server stored, even after refused logins (vault phone)', () => {
    const home = tempDir();
    cli(['phone', 'create', 'key', '--profile', 'yubikey-5'], { home });
    cli(['user', 'create', 'carol'], { home });
    expect(cli(['enroll', 'carol', '--phone', 'key'], { home }).code).toBe(0);
    expect(cli(['login', 'carol', '--phone', 'key'], { home }).code).toBe(0);
    for (let i = 0; i < 2; i++) expect(cli(['login', 'carol', '--phone', 'key', '--fault', 'clearUp'], { home }).stderr).toMatch(/USER_PRESENCE_REQUIRED/);
    const regressed = cli(['login', 'carol', '--phone', 'key', '--fault', 'counterRegression'], { home });
    expect(regressed.stderr).toMatch(/^COUNTER_REGRESSION: signature counter 0 did not increase past 1/);
  }, SLOW);

  it('phone faults describes every fault once, from the core table', () => {
    const home = tempDir();
    const faults = JSON.parse(cli(['--json', 'phone', 'faults'], { home }).stdout) as { name: string; effect: string; expected: string }[];
    expect(faults.map((f) => f.name)).toEqual(expect.arrayContaining(['corruptSignature', 'counterRegression', 'flipBackupState', 'replayChallenge']));
    const help = cli(['login', '--help'], { home }).stdout;
    expect(help).toMatch(/--fault <name>/);
    expect(help).toMatch(/counterRegression\s+signCount one below the last count the RP accepted/);
    expect(cli(['enroll', '--help'], { home }).stdout).not.toMatch(/counterRegression/);
  }, SLOW);

  it('pkh inspect decodes a response and fails the checks a tampered one breaks', async () => {
    const home = tempDir();
    const phone = createPhone({ profile: 'yubikey-5', seed: 'inspect' });
    const challenge = 'dGVzdC1jaGFsbGVuZ2UtMTIzNDU2Nzg';
    const response = await phone.create(
      {
        challenge,
        rp: { id: 'localhost', name: 'Test' },
        user: { id: 'dXNlci0x', name: 'dave', displayName: 'Dave' },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        attestation: 'direct',
      },
      { origin: 'http://localhost:8787' },
    );
    const file = join(home, 'response.json');
    writeFileSync(file, JSON.stringify(response));
    const ok = cli(['inspect', file, '--challenge', challenge, '--origin', 'http://localhost:8787', '--rp-id', 'localhost'], { home });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/attestation: fmt packed/);
    expect(ok.stdout).toMatch(/COSE key:/);
    expect(ok.stdout).toMatch(/pass\s+WebAuthn §7\.1 step 8\s+challenge equals the one issued/);

    const wrong = cli(['--json', 'inspect', file, '--challenge', 'b3RoZXI', '--origin', 'https://evil.example'], { home });
    expect(wrong.code).toBe(1);
    const steps = (JSON.parse(wrong.stdout) as { steps: { id: string; status: string }[] }).steps;
    expect(Object.fromEntries(steps.map((s) => [s.id, s.status]))).toMatchObject({ challenge: 'fail', origin: 'fail', rpIdHash: 'pass', up: 'pass' });
    expect(cli(['inspect', join(home, 'missing.json')], { home }).stderr).toMatch(/^INVALID_INPUT: /);
  }, SLOW);

  it('every new command shows examples in --help', () => {
    const home = tempDir();
    for (const args of [['inspect'], ['phone', 'profiles'], ['phone', 'profile-schema'], ['phone', 'faults'], ['phone', 'create'], ['enroll'], ['login']]) {
      expect(cli([...args, '--help'], { home }).stdout, args.join(' ')).toMatch(/Try:\n {2}\$ pkh /);
    }
  }, SLOW);
});
