import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { message, printData } from '../output.js';

export interface BrowseFlags {
  phone: string;
  headless?: boolean;
  mode: 'cdp' | 'shim';
  script?: string;
  untilUrl?: string;
  timeout?: string;
}

/** What a `--script` module's default export receives. */
export interface BrowseScriptContext {
  page: import('playwright-core').Page;
  context: import('playwright-core').BrowserContext;
  url: string;
  phone: string;
  mode: 'cdp' | 'shim';
  /** Writes a line to stderr (stdout stays data). */
  log(text: string): void;
  env: NodeJS.ProcessEnv;
}

/**
 * `browse <url> --phone NAME`: Chromium with the phone inside it (core/browser/browsePhone). The
 * phones are opened from the vault file (it is a local file even with --server); CDP-mode changes
 * are written back on close and every second meanwhile, so a window closed by hand loses nothing.
 */
export async function browse(ctx: CommandContext, url: string, flags: BrowseFlags) {
  const { openPhoneRegistry, phoneVaultPath } = await import('../../core/harness/index.js');
  const { browsePhone, DEFAULT_CHROMIUM_PATH } = await import('../../core/browser/index.js');
  const { config } = ctx;
  if (phoneVaultPath({ dbPath: config.db, vaultPath: config.vault }) === ':memory:') throw new CliError('USAGE', 'browse needs a persistent phone vault: pass --db or --vault');
  const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout);
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new CliError('USAGE', `--timeout must be a positive number of milliseconds, not ${flags.timeout}`);
  const headless = flags.headless === true || !ctx.env.DISPLAY;
  const log = (text: string) => message(ctx.io, text);
  const script = flags.script;

  const phones = openPhoneRegistry({ dbPath: config.db, vaultPath: config.vault, passphrase: config.passphrase });
  if (phones.vault?.keyFileCreated) log(`created vault key ${phones.vault.keyFile}: the phones' private keys cannot be decrypted without it`);
  // Without a script or --until-url, Ctrl-C ends the session gracefully (the phone is synced first).
  const interrupted = new AbortController();
  const interrupt = () => interrupted.abort();
  const waitsForWindow = !script && !flags.untilUrl;
  if (waitsForWindow) {
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
  }
  try {
    const result = await browsePhone({
      phones,
      phone: flags.phone,
      url,
      mode: flags.mode,
      headless,
      executablePath: ctx.env.PASSKEY_HARNESS_CHROMIUM || DEFAULT_CHROMIUM_PATH,
      timeoutMs,
      signal: interrupted.signal,
      ...(flags.untilUrl ? { untilUrl: new RegExp(flags.untilUrl) } : {}),
      ...(script ? { drive: async (session) => runScript(script, { page: session.page, context: session.context, url, phone: flags.phone, mode: flags.mode, log, env: ctx.env }) } : {}),
      onCeremony: (c) => log(`shim: ${c.ceremony} on ${c.origin} → ${c.ok ? `ok ${c.credentialId}` : `${c.error?.code}: ${c.error?.message}`}`),
      onOpen: ({ phone, profile, session }) => {
        log(`phone ${phone} (${profile.label}) in Chromium, ${flags.mode} mode, ${headless ? 'headless' : 'headed'}: ${url}`);
        if (session.virtualAuthenticator) {
          const va = session.virtualAuthenticator;
          log(`loaded ${va.loaded.length} credential(s) into the virtual authenticator (transport ${va.options.transport})`);
          for (const s of va.skipped) log(`not loaded: ${s.credentialId} (${s.reason})`);
        }
        if (session.limits.length > 0) {
          log(`CDP mode cannot express this profile exactly; the relying party will see:`);
          for (const l of session.limits) log(`  ${l.field}: ${l.cdp} (profile: ${l.profile})`);
          log(`for an exact profile use --mode shim (the harness's own authenticator answers navigator.credentials on ${new URL(url).origin})`);
        }
      },
    });
    printData(ctx.io, result, (r) =>
      [
        `phone ${r.phone}: ${r.credentialCount} credential(s) in the vault`,
        r.synced ? `written back from Chromium: ${r.synced.added.length} new, ${r.synced.updated.length} counter(s) advanced` : `shim mode: ${r.ceremonies.length} ceremony(ies), persisted as they happened`,
      ].join('\n'),
    );
  } catch (error) {
    // A script without a default export is a usage error, not a failing script.
    if (error instanceof Error && error.cause instanceof CliError) throw error.cause;
    throw error;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    phones.close();
  }
}

/** Loads a `--script` module and runs its default export. */
async function runScript(file: string, context: BrowseScriptContext): Promise<unknown> {
  const module = (await import(pathToFileURL(resolve(file)).href)) as { default?: (c: BrowseScriptContext) => unknown };
  if (typeof module.default !== 'function') throw new CliError('USAGE', `${file} has no default export function`);
  return module.default(context);
}
