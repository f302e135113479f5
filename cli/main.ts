import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { FAULTS, type FaultName } from '../core/journey/faults.js';
import { BROKEN_BLOBS } from '../core/mds/types.js';
import { CliError, errorCodeOf } from './cliError.js';
import { markDashOperands, unmarkOperand } from './dashOperands.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exitCodes.js';
import { visible } from '../core/terminalText.js';

/**
 * `passkey-harness` / `pkh`. Only commander is imported statically: every action loads its
 * command module (and through it core/) with dynamic import(), so `--help` starts cold fast.
 */
// `any[]`: commander hands each action its parsed arguments and options untyped, and each command
// module's handler declares the exact types it expects; a narrower type here would not check anything.
type Handler = (ctx: import('./context.js').CommandContext, ...args: any[]) => Promise<number | void>;

interface RunState {
  exitCode: number;
  debug: boolean;
  /** `--json` anywhere: errors go to stderr as `{"code","message"}` too, so scripts never parse prose. */
  json: boolean;
  /** Help text commander wrote as an error (a group run without a subcommand); under --json it becomes one JSON error. */
  helpAsError?: string;
}

/** Prints an error the one way the run asked for: `CODE: message`, or one JSON line with `--json`. */
function writeError(state: RunState, stderr: { write(text: string): unknown }, code: string, text: string, details?: unknown): void {
  if (state.json) stderr.write(`${JSON.stringify({ code, message: text, ...(details === undefined ? {} : { details }) })}\n`);
  // Messages echo names the user chose (`no phone named …`): their control characters are escaped.
  else stderr.write(`${code}: ${visible(text)}\n`);
}

export interface MainIo {
  stdout?: { write(text: string): unknown; isTTY?: boolean };
  stderr?: { write(text: string): unknown; isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

/** `--fault NAME` (repeatable), choices from core's fault table (a file with no imports: cheap to load for --help). */
function faultOption(ceremony: 'registration' | 'login'): Option {
  const names = FAULTS.filter((f) => f.ceremonies.includes(ceremony)).map((f) => f.name);
  return new Option('--fault <name>', 'arm a phone fault for this ceremony (repeatable; pkh phone faults)')
    .choices(names)
    .argParser((value: string, previous: string[] | undefined) => {
      if (!names.includes(value as FaultName)) throw new InvalidArgumentError(`Allowed choices are ${names.join(', ')}.`);
      return [...(previous ?? []), value];
    });
}

function faultHelp(ceremony: 'registration' | 'login'): string {
  const rows = FAULTS.filter((f) => f.ceremonies.includes(ceremony));
  const width = Math.max(...rows.map((f) => f.name.length));
  return `\nFaults (--fault):\n${rows.map((f) => `  ${f.name.padEnd(width)}  ${f.effect}`).join('\n')}\n`;
}

function tryLines(lines: string[]): string {
  return `\nTry:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function buildProgram(state: RunState, io: Required<MainIo>): Command {
  const act =
    (load: () => Promise<Handler>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const positional = args.slice(0, -2).map(unmarkOperand);
      const globals = command.optsWithGlobals() as Record<string, unknown>;
      const { createContext } = await import('./context.js');
      const ctx = await createContext(globals, io);
      try {
        const handler = await load();
        state.exitCode = (await handler(ctx, ...positional, command.opts())) ?? EXIT.OK;
      } finally {
        await ctx.close();
      }
    };

  const program = new Command('passkey-harness')
    .description('Exercise the whole life of a passkey: enrollment server, virtual phones, admin console and scenarios.')
    .version('0.1.0')
    .option('--json', 'print data as JSON on stdout')
    .option('--server <url>', 'use a running server (env PASSKEY_HARNESS_SERVER) instead of the embedded one')
    .option('--db <path>', 'SQLite file of the embedded server (env PASSKEY_HARNESS_DB)')
    .option('--vault <path>', 'SQLite file of the phone vault (env PASSKEY_HARNESS_VAULT; default: <db name>.phones.sqlite beside --db, so each database has its own phones)')
    .option('--rp-id <id>', 'relying party ID (env PASSKEY_HARNESS_RP_ID; default localhost)')
    .option('--origin <url>', 'expected origin (env PASSKEY_HARNESS_ORIGIN)')
    .option('--seed <text>', 'seed for deterministic randomness (env PASSKEY_HARNESS_SEED)')
    .option('--as <name>', 'admin name this CLI acts as, audited (env PASSKEY_HARNESS_ACTOR; default cli:<os user>)')
    .option('--role <role>', 'operator (default) or viewer (read-only) for the embedded server (env PASSKEY_HARNESS_ROLE)')
    .option('--config <file>', 'project config file (default ./passkey-harness.config.json)')
    .addOption(new Option('--attestation-policy <policy>', 'embedded RP: any | trusted-roots | metadata (env PASSKEY_HARNESS_ATTESTATION_POLICY; docs/ATTESTATION.md)').choices(['any', 'trusted-roots', 'metadata']))
    .option('--debug', 'print stack traces')
    .showHelpAfterError(state.json ? false : '(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => (state.json ? (state.helpAsError = (state.helpAsError ?? '') + text) : io.stderr.write(text)),
      outputError: (text) => writeError(state, io.stderr, 'USAGE', text.replace(/^error: /, '').trimEnd()),
    })
    .addHelpText(
      'after',
      `\nConfig precedence: flags > PASSKEY_HARNESS_* env > passkey-harness.config.json > defaults.\nThe vault passphrase is read only from PASSKEY_HARNESS_VAULT_PASSPHRASE; the --server token only from PASSKEY_HARNESS_TOKEN.\n\n${EXIT_CODES_HELP}\n${tryLines([
        'pkh demo',
        'pkh serve --port 8787',
        'pkh scenario run examples/scenarios --reporter junit --output report.xml',
      ])}`,
    );

  program
    .command('serve')
    .description('Start the enrollment server (customer pages, JSON API, console in browser mode); Ctrl-C stops it')
    .option('--port <n>', 'port (env PASSKEY_HARNESS_PORT; default 8787)')
    .option('--host <addr>', 'bind address (default 127.0.0.1)')
    .addHelpText('after', tryLines(['pkh serve', 'pkh serve --port 0 --db /tmp/harness.sqlite']))
    .action(act(async () => (await import('./commands/serve.js')).serve));

  program
    .command('ui')
    .description('Serve the console in browser mode and print its URL (alias of serve)')
    .option('--port <n>', 'port (default 8787)')
    .option('--host <addr>', 'bind address (default 127.0.0.1)')
    .addHelpText('after', tryLines(['pkh ui']))
    .action(act(async () => (await import('./commands/serve.js')).ui));

  program
    .command('start')
    .description('Start the desktop app when Electron is installed, otherwise browser mode')
    .option('--port <n>', 'port for browser mode (default 8787)')
    .option('--host <addr>', 'bind address (default 127.0.0.1)')
    .addHelpText('after', tryLines(['pkh start']))
    .action(act(async () => (await import('./commands/serve.js')).start));

  program
    .command('demo')
    .description('Create a virtual phone and a user, enrol a passkey through the seed flow (STEP1…完了), then log in with it')
    .option('--profile <id>', 'phone profile', 'iphone-icloud')
    .addOption(new Option('--step-up <method>', 'step-up branch').choices(['email', 'totp']).default('email'))
    .addHelpText('after', tryLines(['pkh demo', 'pkh demo --step-up totp --profile android-gpm --json']))
    .action(act(async () => (await import('./commands/flows.js')).demo));

  const user = program.command('user').description('Customer accounts').addHelpText('after', tryLines(['pkh user create alice --email alice@example.test', 'pkh user list']));
  user
    .command('create <username>')
    .description('Create a customer account (login password from --password or "password")')
    .option('--password <text>', 'login password (test accounts only)', 'password')
    .option('--display-name <text>', 'display name')
    .option('--email <address...>', 'registered email addresses (default <username>@example.test)')
    .addHelpText('after', tryLines(['pkh user create alice', 'pkh user create bob --email bob@example.test bob2@example.test --json']))
    .action(act(async () => (await import('./commands/user.js')).create));
  user
    .command('list')
    .description('List customer accounts')
    .option('--query <text>', 'filter by login ID')
    .addHelpText('after', tryLines(['pkh user list --json']))
    .action(act(async () => (await import('./commands/user.js')).list));
  user
    .command('show <username>')
    .description('Show a customer: 登録情報照会 rows and passkeys')
    .addHelpText('after', tryLines(['pkh user show alice']))
    .action(act(async () => (await import('./commands/user.js')).show));
  user
    .command('lock <username>')
    .description('Lock a customer account and end its sessions (operator; audited)')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .option('--ticket <id>', 'support ticket reference')
    .addHelpText('after', tryLines(['pkh user lock alice --reason "suspected takeover" --ticket SUP-125']))
    .action(act(async () => (await import('./commands/user.js')).lock));
  user
    .command('unlock <username>')
    .description('Unlock a customer account and clear its failed-login counters (operator; audited)')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .option('--ticket <id>', 'support ticket reference')
    .addHelpText('after', tryLines(['pkh user unlock alice --reason "identity confirmed by phone"']))
    .action(act(async () => (await import('./commands/user.js')).unlock));

  const otp = program.command('otp').description('ワンタイムパスワードサービス (TOTP)').addHelpText('after', tryLines(['pkh otp enroll alice']));
  otp
    .command('enroll <username>')
    .description('Enrol the OTP service for a customer; prints the otpauth URI and a terminal QR code')
    .option('--no-qr', 'do not draw the QR code')
    .addHelpText('after', tryLines(['pkh otp enroll alice', 'pkh otp enroll alice --json']))
    .action(act(async () => (await import('./commands/user.js')).otpEnroll));

  const mailbox = program.command('mailbox').description('Captured outgoing mail (認証コード)').addHelpText('after', tryLines(['pkh mailbox list']));
  mailbox
    .command('list')
    .description('List captured messages, newest first')
    .option('--to <address>', 'only messages to this address')
    .option('--limit <n>', 'at most n messages')
    .addHelpText('after', tryLines(['pkh mailbox list --to alice@example.test']))
    .action(act(async () => (await import('./commands/user.js')).mailboxList));
  mailbox
    .command('show <id>')
    .description('Show one message')
    .addHelpText('after', tryLines(['pkh mailbox show 1']))
    .action(act(async () => (await import('./commands/user.js')).mailboxShow));

  const phone = program.command('phone').description('Virtual phones (authenticator vault entries)').addHelpText('after', tryLines(['pkh phone create my-iphone --profile iphone-icloud', 'pkh phone list']));
  phone
    .command('create <name>')
    .description('Create a virtual phone with a built-in profile (pkh phone profiles) or a custom one (--profile-file)')
    .option('--profile <id>', 'iphone-icloud | android-gpm | yubikey-5 | windows-hello', 'iphone-icloud')
    .option('--profile-file <file.json>', 'custom device profile, validated against pkh phone profile-schema ("-" reads stdin)')
    .addHelpText('after', tryLines(['pkh phone create my-pixel --profile android-gpm', 'pkh phone profile-schema > profile.schema.json', 'pkh phone create my-u2f-key --profile-file examples/profiles/u2f-key.json']))
    .action(act(async () => (await import('./commands/phone.js')).create));
  phone
    .command('profiles')
    .description('Built-in device profiles: AAGUID, algorithms, attestation format, BE/BS, counter policy, transports, UV method')
    .addHelpText('after', tryLines(['pkh phone profiles', 'pkh phone profiles --json']))
    .action(act(async () => (await import('./commands/phone.js')).profiles));
  phone
    .command('profile-schema')
    .description('Print the JSON Schema of a custom device profile (what --profile-file accepts)')
    .addHelpText('after', tryLines(['pkh phone profile-schema > device-profile.schema.json']))
    .action(act(async () => (await import('./commands/phone.js')).profileSchema));
  phone
    .command('faults')
    .description('Faults a phone can be armed with (enroll/login --fault NAME, scenario injectFault): what each does, what the RP should answer')
    .addHelpText('after', tryLines(['pkh phone faults', 'pkh login alice --phone my-key --fault counterRegression']))
    .action(act(async () => (await import('./commands/phone.js')).faults));
  phone
    .command('list')
    .description('List virtual phones')
    .addHelpText('after', tryLines(['pkh phone list --json']))
    .action(act(async () => (await import('./commands/phone.js')).list));
  phone
    .command('show <name>')
    .description('Show a phone and its credentials')
    .addHelpText('after', tryLines(['pkh phone show my-iphone']))
    .action(act(async () => (await import('./commands/phone.js')).show));
  phone
    .command('rename <name> <newName>')
    .description('Rename a phone')
    .addHelpText('after', tryLines(['pkh phone rename my-iphone old-iphone']))
    .action(act(async () => (await import('./commands/phone.js')).rename));
  phone
    .command('export <name>')
    .description('Export a phone with its credentials (private keys included: keep the file safe)')
    .option('--output <file>', 'write to this file, owner-only (mode 600, also when it exists)')
    .option('--stdout', 'print the export (private keys) on stdout; required to print it')
    .addHelpText('after', tryLines(['pkh phone export my-iphone --output my-iphone.json', 'pkh phone export my-iphone --stdout | jq .credentials']))
    .action(act(async () => (await import('./commands/phone.js')).exportPhone));
  phone
    .command('import <file>')
    .description('Import a phone export ("-" reads stdin)')
    .option('--name <name>', 'import under another name')
    .addHelpText('after', tryLines(['pkh phone import my-iphone.json --name restored-iphone']))
    .action(act(async () => (await import('./commands/phone.js')).importPhone));
  phone
    .command('delete <name>')
    .description('Delete a phone and its credentials')
    .addHelpText('after', tryLines(['pkh phone delete my-iphone']))
    .action(act(async () => (await import('./commands/phone.js')).remove));

  program
    .command('enroll <username>')
    .description('Run the seed flow for a user with a phone: STEP1 login … STEP3/4 step-up … STEP6 local auth … 完了')
    .requiredOption('--phone <name>', 'virtual phone to register')
    .addOption(new Option('--step-up <method>', 'step-up branch').choices(['email', 'totp']).default('email'))
    .option('--email <address>', 'email address for the code (default: first registered)')
    .option('--password <text>', 'login password', 'password')
    .addOption(new Option('--decision <d>', 'local authentication on the phone').choices(['approve', 'deny', 'timeout', 'uv-unavailable']).default('approve'))
    .option('--passkey-name <name>', 'name shown for the passkey')
    .addOption(new Option('--attestation <conveyance>', 'attestation the RP asks for (default: its configured one, none)').choices(['none', 'indirect', 'direct', 'enterprise']))
    .addOption(faultOption('registration'))
    .addHelpText(
      'after',
      `${faultHelp('registration')}${tryLines([
        'pkh enroll alice --phone my-iphone',
        'pkh enroll alice --phone my-iphone --step-up totp --json',
        'pkh enroll alice --phone my-key --attestation direct',
        'pkh enroll alice --phone my-key --attestation direct --fault corruptSignature',
        'pkh --attestation-policy metadata enroll alice --phone my-key --attestation direct',
      ])}`,
    )
    .action(act(async () => (await import('./commands/flows.js')).enroll));

  program
    .command('login [username]')
    .description('Log in with a passkey: username-first when a username is given, discoverable (usernameless) otherwise')
    .requiredOption('--phone <name>', 'virtual phone holding the passkey')
    .option('--discoverable', 'usernameless login even when a username is given')
    .addOption(new Option('--decision <d>', 'local authentication on the phone').choices(['approve', 'deny', 'timeout', 'uv-unavailable']).default('approve'))
    .addOption(faultOption('login'))
    .addHelpText('after', `${faultHelp('login')}${tryLines(['pkh login alice --phone my-iphone', 'pkh login --phone my-iphone --json', 'pkh login alice --phone my-key --fault clearUp --fault wrongOrigin'])}`)
    .action(act(async () => (await import('./commands/flows.js')).login));

  program
    .command('inspect <response.json>')
    .description('Decode a WebAuthn response (clientData, authData, attStmt, COSE key) and check each stateless §7.1/§7.2 step; exit 1 when one fails')
    .option('--challenge <base64url>', 'the challenge the RP issued (else that check is skipped)')
    .addHelpText(
      'after',
      `\nThe RP ID and origin are the global --rp-id / --origin (default: the harness's). "-" reads stdin.\n${tryLines([
        'pkh inspect response.json',
        'pkh inspect response.json --challenge dGVzdC1jaGFsbGVuZ2U --origin https://bank.example --rp-id bank.example',
        'pkh inspect - --json < response.json',
      ])}`,
    )
    .action(act(async () => (await import('./commands/inspect.js')).inspect));

  program
    .command('browse <url>')
    .description("Open Chromium with a phone inside it (CDP virtual authenticator or the harness's navigator.credentials shim); new credentials and counters go back to the vault")
    .requiredOption('--phone <name>', 'virtual phone to carry into the browser')
    .option('--headless', 'no window (default when DISPLAY is unset)')
    .addOption(new Option('--mode <mode>', 'cdp: Chromium virtual authenticator; shim: the harness authenticator, exact profile').choices(['cdp', 'shim']).default('cdp'))
    .option('--script <file.js>', 'ES module whose default export ({ page, context, url, phone, mode, log, env }) drives the page; the browser closes when it returns')
    .option('--until-url <regex>', 'close when the page URL matches')
    .option('--timeout <ms>', 'give up (script, --until-url) or close (interactive) after this long')
    .addHelpText('after', tryLines(['pkh browse http://localhost:8787/ --phone my-iphone', 'pkh browse https://example.test/login --phone my-key --mode shim --headless --script login.js --json']))
    .action(act(async () => (await import('./commands/browse.js')).browse));

  const ca = program.command('ca').description("The installation's attestation CA (signs every phone's packed / FIDO U2F attestation)").addHelpText('after', tryLines(['pkh ca export --output harness-root.pem', 'pkh ca export --chain yubikey-5']));
  ca.command('export')
    .description('Print the attestation root (or a profile\'s chain) for another RP to trust')
    .option('--output <file>', 'write to a file instead of stdout')
    .addOption(new Option('--format <format>', 'PEM text or DER bytes').choices(['pem', 'der']).default('pem'))
    .option('--chain <profile>', "the profile's x5c chain (leaf, then its CA) instead of the root")
    .addHelpText('after', tryLines(['pkh ca export | openssl x509 -noout -text', 'pkh ca export --format der --output root.der']))
    .action(act(async () => (await import('./commands/trust.js')).caExport));

  const mds = program.command('mds').description('The local FIDO Metadata Service (MDS3): BLOB, root, statuses, broken BLOBs').addHelpText('after', tryLines(['pkh mds list', 'pkh mds status cb69481e-8ff7-4039-93ec-0a2729a154a8 REVOKED']));
  mds.command('blob')
    .description('Print the signed metadata BLOB (compact JWS; also GET /mds/blob on pkh serve)')
    .option('--output <file>', 'write to a file instead of stdout')
    .addOption(new Option('--broken <mode>', 'spoil this copy on purpose').choices(BROKEN_BLOBS))
    .addHelpText('after', tryLines(['pkh mds blob --output blob.jwt', 'pkh mds blob --broken bad-signature']))
    .action(act(async () => (await import('./commands/trust.js')).mdsBlob));
  mds.command('root')
    .description('Print the MDS root an RP pins to trust the BLOB')
    .option('--output <file>', 'write to a file instead of stdout')
    .addOption(new Option('--format <format>', 'PEM text or DER bytes').choices(['pem', 'der']).default('pem'))
    .addHelpText('after', tryLines(['pkh mds root --output mds-root.pem']))
    .action(act(async () => (await import('./commands/trust.js')).mdsRoot));
  mds.command('status <aaguid> <status>')
    .description('Append a status report for a model (REVOKED, ATTESTATION_KEY_COMPROMISE, FIDO_CERTIFIED_L1, …) and bump the BLOB number')
    .option('--effective <date>', 'YYYY-MM-DD the status takes effect (default today)')
    .addHelpText('after', tryLines(['pkh mds status cb69481e-8ff7-4039-93ec-0a2729a154a8 REVOKED', 'pkh mds status cb69481e-8ff7-4039-93ec-0a2729a154a8 ATTESTATION_KEY_COMPROMISE --effective 2026-12-24']))
    .action(act(async () => (await import('./commands/trust.js')).mdsStatus));
  mds.command('list')
    .description('Models in the local MDS with the status in force today')
    .addHelpText('after', tryLines(['pkh mds list', 'pkh mds list --json']))
    .action(act(async () => (await import('./commands/trust.js')).mdsList));
  mds.command('serve')
    .description('Which BLOB the harness serves from now on: good, expired, bad-signature, unknown-root or lower-no')
    .addArgument(new Argument('<mode>', 'good, or a BLOB broken on purpose').choices(['good', ...BROKEN_BLOBS]))
    .addHelpText('after', tryLines(['pkh mds serve expired', 'pkh mds serve good']))
    .action(act(async () => (await import('./commands/trust.js')).mdsServe));

  const admin = program.command('admin').description('Support console: inspect, revoke, reset, audit').addHelpText('after', tryLines(['pkh admin passkeys alice', 'pkh admin audit --user alice']));
  admin
    .command('passkeys <username>')
    .description('List a customer’s passkeys')
    .addHelpText('after', tryLines(['pkh admin passkeys alice --json']))
    .action(act(async () => (await import('./commands/admin.js')).passkeys));
  admin
    .command('inspect <credentialId>')
    .description('Show one passkey in detail')
    .addHelpText('after', tryLines(['pkh admin inspect <credentialId>']))
    .action(act(async () => (await import('./commands/admin.js')).inspect));
  admin
    .command('revoke <credentialId>')
    .description('Revoke one passkey (operator)')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .requiredOption('--ticket <id>', 'support ticket reference (required)')
    .addHelpText('after', tryLines(['pkh admin revoke <credentialId> --reason "lost phone" --ticket SUP-123']))
    .action(act(async () => (await import('./commands/admin.js')).revoke));
  admin
    .command('reset <username>')
    .description('Revoke every passkey of a customer (operator)')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .requiredOption('--ticket <id>', 'support ticket reference (required)')
    .addHelpText('after', tryLines(['pkh admin reset alice --reason "device stolen" --ticket SUP-124']))
    .action(act(async () => (await import('./commands/admin.js')).reset));
  admin
    .command('audit')
    .description('Read the audit log (oldest first)')
    .option('--user <username>', 'only entries about this customer')
    .option('--credential <id>', 'only entries about this passkey (its credential ID, base64url): registration, logins, revocation')
    .option('--since <iso>', 'only entries at or after this time')
    .option('--limit <n>', 'at most n entries (the newest)')
    .addHelpText('after', tryLines(['pkh admin audit --user alice --json', 'pkh admin audit --credential <credentialId> --json']))
    .action(act(async () => (await import('./commands/admin.js')).audit));
  admin
    .command('verify-audit')
    .description('Check the audit log hash chain (exit 1 when broken)')
    .addHelpText('after', tryLines(['pkh admin verify-audit']))
    .action(act(async () => (await import('./commands/admin.js')).verifyAudit));

  program
    .command('load')
    .description('Enrol and log in N virtual users over loopback HTTP; throughput, p50/p95/p99 latency, errors by code (exit 1 if any user failed)')
    .option('--users <n>', 'virtual users', '100')
    .option('--concurrency <n>', 'users in flight at once', '8')
    .addOption(new Option('--backend <name>', 'crypto backend of the virtual phones').choices(['node', 'noble']).default('node'))
    .addHelpText('after', `\nWithout --server a server is started in a child process (own event loop) on a temp database.${tryLines(['pkh load --users 200 --concurrency 8', 'pkh load --users 50 --concurrency 64 --server http://localhost:8787 --json'])}`)
    .action(act(async () => (await import('./commands/load.js')).load));

  const scenario = program.command('scenario').description('YAML scenarios: run, validate, schema').addHelpText('after', tryLines(['pkh scenario run examples/scenarios']));
  scenario
    .command('run <paths...>')
    .description('Run scenario files or directories of *.yaml; exit 1 when any expectation fails')
    .addOption(new Option('--reporter <name>', 'output format').choices(['human', 'json', 'junit', 'tap']).default('human'))
    .option('--output <file>', 'write the report to a file (a summary still goes to stderr)')
    .option('--concurrency <n>', 'run n scenarios in parallel', '1')
    .option('--repeat <n>', 'run each scenario n times (soak)', '1')
    .option('--verbose', 'human reporter: list every step')
    .option('--junit-per-scenario', 'junit reporter: one testcase per scenario run (default: a testsuite per scenario, a testcase per step)')
    .addHelpText(
      'after',
      `\nOne line per finished scenario as it settles (stdout for the human report, else stderr; a live bar on a terminal\nfor runs of 10 or more), then the summary once. Invalid files are listed with file:line:column and the valid\nones still run; the exit code is then 4.${tryLines([
        'pkh scenario run examples/scenarios',
        'pkh scenario run examples/scenarios > out.txt',
        'pkh scenario run examples/scenarios --reporter junit --output report.xml',
        'pkh scenario run examples/scenarios/01-email-step-up-happy.yaml --seed abc --repeat 5 --concurrency 2',
      ])}`,
    )
    .action(act(async () => (await import('./commands/scenario.js')).run));
  scenario
    .command('validate <paths...>')
    .description('Check scenario files against the schema without running them (exit 4 when invalid)')
    .addHelpText('after', tryLines(['pkh scenario validate examples/scenarios']))
    .action(act(async () => (await import('./commands/scenario.js')).validate));
  scenario
    .command('schema')
    .description('Print the JSON Schema of scenario files (for editor completion)')
    .addHelpText('after', tryLines(['pkh scenario schema > scenario.schema.json']))
    .action(act(async () => (await import('./commands/scenario.js')).schema));

  program
    .command('completion')
    .description('Print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .addHelpText('after', tryLines(['source <(pkh completion bash)', 'pkh completion zsh > ~/.zfunc/_pkh']))
    .action(async (shell: 'bash' | 'zsh') => {
      const { completionScript } = await import('./completion.js');
      io.stdout.write(completionScript(program, shell));
    });

  return program;
}

/** Runs the CLI and returns the exit code (bin.js sets process.exitCode). */
export async function main(argv: string[], options: MainIo = {}): Promise<number> {
  const io = { stdout: options.stdout ?? process.stdout, stderr: options.stderr ?? process.stderr, env: options.env ?? process.env };
  const state: RunState = { exitCode: EXIT.OK, debug: argv.includes('--debug'), json: argv.includes('--json') };
  const program = buildProgram(state, io);
  try {
    await program.parseAsync(markDashOperands(argv, program));
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
        if (error.exitCode === 0) return EXIT.OK;
        if (state.helpAsError !== undefined) {
          const usage = /^Usage: (.*)$/m.exec(state.helpAsError)?.[1]?.replace(/^passkey-harness/, 'pkh') ?? 'pkh';
          writeError(state, io.stderr, 'USAGE', `${usage.replace(/ \[options\] \[command\]$/, '')} needs a command (run it with --help to list them)`);
        }
        return EXIT.USAGE;
      }
      return EXIT.USAGE;
    }
    const code = errorCodeOf(error) ?? 'INTERNAL';
    const text = error instanceof Error ? error.message : String(error);
    const details = (error as { details?: unknown } | undefined)?.details;
    writeError(state, io.stderr, code, code === 'INTERNAL' && !(error instanceof CliError) && !state.debug ? `${text} (run with --debug for details)` : text, details);
    if (state.debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return exitCodeFor(code);
  }
}
