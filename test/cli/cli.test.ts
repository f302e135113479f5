import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cli, cliAsync, ensureBuilt, root, tempDir } from './support.js';

beforeAll(() => ensureBuilt(), 180_000);

describe('passkey-harness CLI (built binary)', () => {
  it('--help lists commands, exit codes and Try: examples', () => {
    const run = cli(['--help'], { home: tempDir() });
    expect(run.code).toBe(0);
    for (const word of ['serve', 'demo', 'enroll', 'login', 'admin', 'scenario', 'completion', 'Exit codes:', 'Try:']) expect(run.stdout).toContain(word);
  });

  it('every command has --help with a Try: example', () => {
    const home = tempDir();
    const commands = [
      ['serve'], ['ui'], ['start'], ['demo'], ['user', 'create'], ['user', 'list'], ['user', 'show'], ['user', 'lock'], ['user', 'unlock'],
      ['otp', 'enroll'], ['mailbox', 'list'], ['mailbox', 'show'], ['phone', 'create'], ['phone', 'list'], ['phone', 'show'], ['phone', 'export'],
      ['phone', 'import'], ['phone', 'delete'], ['enroll'], ['login'], ['admin', 'passkeys'], ['admin', 'inspect'], ['admin', 'revoke'], ['admin', 'reset'],
      ['admin', 'audit'], ['admin', 'verify-audit'], ['scenario', 'run'], ['scenario', 'validate'], ['scenario', 'schema'], ['completion'],
    ];
    for (const command of commands) {
      const run = cli([...command, '--help'], { home });
      expect(run.code, command.join(' ')).toBe(0);
      expect(run.stdout, command.join(' ')).toContain('Try:');
    }
  });

  it('scenario run examples/scenarios --reporter junit --output writes passing JUnit XML, one testcase per step', () => {
    const dir = tempDir();
    const output = join(dir, 'report.xml');
    const run = cli(['scenario', 'run', 'examples/scenarios', '--reporter', 'junit', '--output', output, '--seed', 'ci'], { home: dir });
    expect(run.stderr).toContain('0 failed');
    expect(run.code).toBe(0);
    const xml = readFileSync(output, 'utf8');
    const files = readdirSync(join(root, 'examples', 'scenarios')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    const steps = files.reduce((sum, f) => sum + (parseYaml(readFileSync(join(root, 'examples', 'scenarios', f), 'utf8')) as { steps: unknown[] }).steps.length, 0);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(xml).toContain(`tests="${steps}" failures="0"`);
    expect(xml.match(/<testsuite /g)).toHaveLength(files.length);
    expect(xml.match(/<testcase /g)).toHaveLength(steps);
    expect(xml).toContain('<testcase classname="examples/scenarios/01-email-step-up-happy.yaml" name="1: createUser"');
  }, 180_000);

  it('a failing expectation exits 1 and names the failing step', () => {
    const home = tempDir();
    const run = cli(['scenario', 'run', 'test/cli/fixtures/failing-expectation.yaml'], { home });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✘ Deliberately wrong expectation');
    expect(run.stdout).toContain('FAIL 4: confirm "the step that must be named" — EXPECTATION_FAILED: expected error OTP_INVALID');
    // Printed once: not in a step list, a closing block and stderr again.
    expect(`${run.stdout}${run.stderr}`.split('expected error OTP_INVALID')).toHaveLength(2);
    expect(run.stdout.match(/passed, \d+ failed/g)).toHaveLength(1);
    const tap = cli(['scenario', 'run', 'test/cli/fixtures/failing-expectation.yaml', '--reporter', 'tap'], { home });
    expect(tap.code).toBe(1);
    expect(tap.stdout).toContain('not ok 1 - Deliberately wrong expectation');
  }, 60_000);

  it('scenario validate: invalid file exits 4 (bad data) and lists the problem', () => {
    const run = cli(['scenario', 'validate', 'test/cli/fixtures/invalid.yaml', 'examples/scenarios/01-email-step-up-happy.yaml'], { home: tempDir() });
    expect(run.code).toBe(4);
    expect(run.stdout).toContain('FAIL  test/cli/fixtures/invalid.yaml');
    expect(run.stdout).toContain('test/cli/fixtures/invalid.yaml:3:9: step 1 › do: unknown step "teleport"');
    expect(run.stdout).toContain('ok    examples/scenarios/01-email-step-up-happy.yaml');
    expect(run.stderr).toMatch(/^SCENARIO_INVALID: /m);
  });

  it('scenario schema prints JSON Schema', () => {
    const run = cli(['scenario', 'schema'], { home: tempDir() });
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout);
    expect(schema.$schema).toContain('json-schema.org');
    expect(JSON.stringify(schema)).toContain('"loginWithPasskey"');
  });

  it('enroll --json and login --json are machine-readable, across separate processes', () => {
    const home = tempDir();
    expect(cli(['user', 'create', 'alice', '--json'], { home }).code).toBe(0);
    expect(cli(['phone', 'create', 'alice-iphone', '--profile', 'iphone-icloud', '--json'], { home }).code).toBe(0);
    const enroll = cli(['enroll', 'alice', '--phone', 'alice-iphone', '--json'], { home });
    expect(enroll.stderr).toBe('');
    expect(enroll.code).toBe(0);
    const enrolled = JSON.parse(enroll.stdout);
    expect(enrolled.steps.map((s: { step: string }) => s.step)).toEqual(['STEP1', 'STEP2', 'STEP3', 'STEP4', 'STEP5', 'STEP6', '完了']);
    expect(enrolled.passkey.credentialId).toMatch(/^[A-Za-z0-9_-]+$/);
    const login = cli(['login', 'alice', '--phone', 'alice-iphone', '--json'], { home });
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ username: 'alice', mode: 'username-first', credentialId: enrolled.passkey.credentialId });
    const discoverable = cli(['login', '--phone', 'alice-iphone', '--json'], { home });
    expect(JSON.parse(discoverable.stdout)).toMatchObject({ username: 'alice', mode: 'discoverable' });
    const passkeys = JSON.parse(cli(['admin', 'passkeys', 'alice', '--json'], { home }).stdout);
    expect(passkeys).toHaveLength(1);
  }, 60_000);

  it('admin reset without --reason is a usage error (exit 2); with it, passkeys are revoked', () => {
    const home = tempDir();
    cli(['user', 'create', 'bob'], { home });
    cli(['phone', 'create', 'bob-key', '--profile', 'yubikey-5'], { home });
    expect(cli(['enroll', 'bob', '--phone', 'bob-key'], { home }).code).toBe(0);
    const missing = cli(['admin', 'reset', 'bob', '--ticket', 'SUP-1'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^USAGE: required option '--reason <text>'/);
    const blank = cli(['admin', 'reset', 'bob', '--reason', '  ', '--ticket', 'SUP-1'], { home });
    expect(blank.code).toBe(2);
    const ok = cli(['admin', 'reset', 'bob', '--reason', 'lost', '--ticket', 'SUP-1', '--json'], { home });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ username: 'bob', revoked: 1 });
    const login = cli(['login', '--phone', 'bob-key'], { home });
    expect(login.code).toBe(6);
    expect(login.stderr).toMatch(/^[A-Z_]+: /);
    const audit = JSON.parse(cli(['admin', 'audit', '--user', 'bob', '--json'], { home }).stdout);
    expect(audit.map((e: { action: string }) => e.action)).toContain('admin.resetPasskeys');
    expect(cli(['admin', 'verify-audit'], { home }).code).toBe(0);
  }, 60_000);

  it('errors print code: message without a stack; not found exits 5', () => {
    const run = cli(['user', 'show', 'nobody'], { home: tempDir() });
    expect(run.code).toBe(5);
    // A fresh home: the first command also says where it created the vault's key (issue 11), then the error alone.
    expect(run.stderr).toMatch(/^(created vault key [^\n]+\n)?ACCOUNT_NOT_FOUND: no customer with login ID nobody\n$/);
    expect(run.stdout).toBe('');
  });

  it('--server to a dead address exits 3 (server unavailable)', () => {
    const run = cli(['--server', 'http://127.0.0.1:9', 'user', 'list'], { home: tempDir() });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^SERVER_UNAVAILABLE: /);
  });

  it('secrets never come from flags or the config file', () => {
    const dir = tempDir();
    expect(cli(['user', 'list', '--passphrase', 'x'], { home: dir }).code).toBe(2);
    writeFileSync(join(dir, 'passkey-harness.config.json'), JSON.stringify({ vaultPassphrase: 'x' }));
    const run = cli(['user', 'list'], { home: dir, cwd: dir });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('CONFIG_INVALID');
    expect(run.stderr).toContain('PASSKEY_HARNESS_VAULT_PASSPHRASE');
    expect(cli(['user', 'list', '--token', 'x'], { home: dir }).code).toBe(2);
    writeFileSync(join(dir, 'passkey-harness.config.json'), JSON.stringify({ token: 'x' }));
    expect(cli(['user', 'list'], { home: dir, cwd: dir }).code).toBe(4);
  });

  it('phone export/import round-trips through a file; a wrong passphrase cannot open the phones', () => {
    const home = tempDir();
    const env = { PASSKEY_HARNESS_VAULT_PASSPHRASE: 'correct horse' };
    cli(['phone', 'create', 'p1'], { home, env });
    const file = join(home, 'p1.json');
    expect(cli(['phone', 'export', 'p1', '--output', file], { home, env }).code).toBe(0);
    expect(cli(['phone', 'import', file, '--name', 'p2', '--json'], { home, env }).code).toBe(0);
    expect(JSON.parse(cli(['phone', 'list', '--json'], { home, env }).stdout).map((p: { name: string }) => p.name)).toEqual(['p1', 'p2']);
    const wrong = cli(['phone', 'list'], { home, env: { PASSKEY_HARNESS_VAULT_PASSPHRASE: 'wrong' } });
    expect(wrong.stderr).toMatch(/^VAULT_LOCKED: /);
  });

  it('demo enrols STEP1…完了 and logs in', () => {
    const run = cli(['demo'], { home: tempDir() });
    expect(run.code).toBe(0);
    for (const step of ['STEP1', 'STEP3', 'STEP6', '完了', 'logged in as demo-']) expect(run.stdout).toContain(step);
  }, 60_000);

  it('start falls back to browser mode in one line when Electron is not installed', async () => {
    const child = cliAsync(['start', '--port', '0'], { home: tempDir() });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    await new Promise<void>((resolve) => child.stderr.on('data', (d) => ((stderr += d), stderr.includes('listening') && resolve())));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr.split('\n')[0]).toBe('Electron is not installed here; starting browser mode instead.');
    expect(stdout).toMatch(/^customer http:\/\/localhost:\d+\/$/m);
    expect(stdout).toMatch(/^console  http:\/\/localhost:\d+\/console\/#token=[\w-]{43}\s/m);
  }, 60_000);

  it('completion scripts for bash and zsh come from the command tree', () => {
    const bash = cli(['completion', 'bash'], { home: tempDir() });
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _passkey_harness passkey-harness pkh');
    expect(bash.stdout).toContain('verify-audit');
    expect(cli(['completion', 'zsh'], { home: tempDir() }).stdout).toContain('#compdef passkey-harness pkh');
    expect(cli(['completion', 'fish'], { home: tempDir() }).code).toBe(2);
  });

  it('user lock/unlock need a reason and are audited as the local user (cli:<os user>), or as --as NAME', () => {
    const home = tempDir();
    const me = `cli:${userInfo().username}`;
    expect(cli(['user', 'create', 'alice'], { home }).code).toBe(0);
    const noReason = cli(['user', 'lock', 'alice'], { home });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/^USAGE: .*--reason/);
    expect(cli(['user', 'lock', 'alice', '--reason', 'x'], { home }).code).toBe(0);
    expect(cli(['--as', 'sato', 'user', 'unlock', 'alice', '--reason', 'verified by phone', '--ticket', 'SUP-9'], { home }).code).toBe(0);
    const viewer = cli(['--role', 'viewer', 'user', 'lock', 'alice', '--reason', 'x'], { home });
    expect(viewer.code).toBe(6);
    expect(viewer.stderr).toMatch(/^FORBIDDEN: /);
    const audit = JSON.parse(cli(['admin', 'audit', '--user', 'alice', '--json'], { home }).stdout) as { actor: string; action: string; outcome: string; details: Record<string, unknown> }[];
    expect(audit.filter((e) => e.action.startsWith('admin.')).map((e) => [e.actor, e.action, e.outcome, e.details.reason])).toEqual([
      [`admin:${me}`, 'admin.lockAccount', 'success', 'x'],
      ['admin:sato', 'admin.unlockAccount', 'success', 'verified by phone'],
    ]);
    // The viewer's refused attempt is audited too (core/rp writes it before it knows the account).
    const all = JSON.parse(cli(['admin', 'audit', '--json'], { home }).stdout) as { actor: string; action: string; details: Record<string, unknown> }[];
    expect(all.filter((e) => e.details.code === 'FORBIDDEN').map((e) => [e.actor, e.action])).toEqual([[`admin:${me}:viewer`, 'admin.lockAccount']]);
  }, 60_000);

  it('serve prints tokened console URLs and a demo customer, answers --server clients with PASSKEY_HARNESS_TOKEN only, and stops on SIGTERM', async () => {
    const home = tempDir();
    const server = cliAsync(['serve', '--port', '0', '--json'], { home });
    let stdout = '';
    let stderr = '';
    server.stderr.on('data', (d) => (stderr += d));
    const urls = await new Promise<{ server: string; console: string; consoleViewer: string; tokens: { operator: string; viewer: string }; demoCustomer?: { username: string; password: string } }>((resolve, reject) => {
      server.stdout.on('data', (d) => {
        stdout += d;
        try {
          resolve(JSON.parse(stdout));
        } catch {
          // wait for the whole JSON object
        }
      });
      server.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    try {
      expect(urls.server).toMatch(/^http:\/\/localhost:\d+$/);
      expect(urls.console).toBe(`${urls.server}/console/#token=${urls.tokens.operator}`);
      expect(urls.consoleViewer).toBe(`${urls.server}/console/#token=${urls.tokens.viewer}`);
      expect(urls.demoCustomer).toMatchObject({ username: 'demo', password: 'password' });
      const remote = (args: string[], token: string | null = urls.tokens.operator) => cli(['--server', urls.server, ...args], { home: tempDir(), env: token ? { PASSKEY_HARNESS_TOKEN: token } : {} });
      const anonymous = remote(['user', 'list'], null);
      expect(anonymous.code).toBe(6);
      expect(anonymous.stderr).toMatch(/^AUTH_REQUIRED: /);
      expect(remote(['user', 'list'], 'made-up').code).toBe(6);
      expect(remote(['user', 'create', 'carol']).code).toBe(0);
      expect(remote(['phone', 'create', 'carol-pixel', '--profile', 'android-gpm']).code).toBe(0);
      const enroll = remote(['enroll', 'carol', '--phone', 'carol-pixel', '--json']);
      expect(enroll.stderr).toBe('');
      expect(JSON.parse(enroll.stdout).steps).toHaveLength(7);
      const users = JSON.parse(remote(['user', 'list', '--json'], urls.tokens.viewer).stdout);
      expect(users).toEqual([expect.objectContaining({ username: 'demo' }), expect.objectContaining({ username: 'carol', passkeyCount: 1 })]);
      const viewerReset = remote(['admin', 'reset', 'carol', '--reason', 'r', '--ticket', 'T'], urls.tokens.viewer);
      expect(viewerReset.code).toBe(6);
      expect(viewerReset.stderr).toMatch(/^FORBIDDEN: /);
      expect(remote(['admin', 'reset', 'carol', '--reason', 'lost phone', '--ticket', 'SUP-1']).code).toBe(0);
      const audit = JSON.parse(remote(['admin', 'audit', '--json']).stdout) as { actor: string; action: string; outcome: string }[];
      expect(audit.filter((e) => e.action === 'admin.resetPasskeys').map((e) => [e.actor, e.outcome])).toEqual([
        [`admin:cli:${userInfo().username}:viewer`, 'failure'],
        [`admin:cli:${userInfo().username}`, 'success'],
      ]);
      const scenario = remote(['scenario', 'run', 'examples/scenarios/02-totp-step-up-happy.yaml', '--reporter', 'json']);
      expect(scenario.code).toBe(0);
      expect(JSON.parse(scenario.stdout)).toMatchObject({ total: 1, passed: 1 });
      const missing = remote(['user', 'show', 'nobody']);
      expect(missing.code).toBe(5);
      expect(missing.stderr).toMatch(/^ACCOUNT_NOT_FOUND: /);
    } finally {
      const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(stderr).toContain('stopped (SIGTERM)');
    expect(stderr).toContain('demo customer created: login ID demo, password password (demo@example.test)');
  }, 90_000);
});
