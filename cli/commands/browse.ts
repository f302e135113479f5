import { dirname, join, resolve } from 'node:path';
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
 * `browse <url> --phone NAME`: Chromium with the phone inside it (CDP virtual authenticator or
 * the navigator.credentials shim). The phone's vault is opened directly (it is a local file even
 * with --server), and CDP-mode changes are written back on close and every second meanwhile, so a
 * window closed by hand loses nothing.
 */
export async function browse(ctx: CommandContext, url: string, flags: BrowseFlags) {
  const { openVault } = await import('../../core/authenticator/vault.js');
  const { DEVELOPMENT_PASSPHRASE } = await import('../../core/harness/createHarness.js');
  const { DEFAULT_CHROMIUM_PATH, openBrowser } = await import('../../core/browser/index.js');
  const vaultPath = ctx.config.vault ?? (ctx.config.db === ':memory:' ? ':memory:' : join(dirname(ctx.config.db), 'phones.sqlite'));
  if (vaultPath === ':memory:') throw new CliError('USAGE', 'browse needs a persistent phone vault: pass --db or --vault');
  const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout);
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new CliError('USAGE', `--timeout must be a positive number of milliseconds, not ${flags.timeout}`);
  const headless = flags.headless === true || !ctx.env.DISPLAY;

  const vault = openVault({ path: vaultPath, passphrase: ctx.config.passphrase || DEVELOPMENT_PASSPHRASE });
  try {
    const phone = vault.getPhone(flags.phone);
    const credentials = vault.credentials(flags.phone);
    const log = (text: string) => message(ctx.io, text);
    const session = await openBrowser({
      url,
      profile: phone.profile,
      credentials,
      mode: flags.mode,
      authenticator: flags.mode === 'shim' ? vault.authenticatorFor(flags.phone) : undefined,
      headless,
      executablePath: ctx.env.PASSKEY_HARNESS_CHROMIUM || DEFAULT_CHROMIUM_PATH,
      onCeremony: (c) => log(`shim: ${c.ceremony} on ${c.origin} → ${c.ok ? `ok ${c.credentialId}` : `${c.error?.code}: ${c.error?.message}`}`),
    });
    log(`phone ${phone.name} (${phone.profile.label}) in Chromium, ${flags.mode} mode, ${headless ? 'headless' : 'headed'}: ${url}`);
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

    let scriptResult: unknown;
    let failure: unknown;
    const keepSyncing = flags.mode === 'cdp' ? setInterval(() => void session.sync().catch(() => undefined), 1000) : undefined;
    try {
      if (flags.script) {
        const module = (await import(pathToFileURL(resolve(flags.script)).href)) as { default?: (c: BrowseScriptContext) => unknown };
        if (typeof module.default !== 'function') throw new CliError('USAGE', `${flags.script} has no default export function`);
        const run = Promise.resolve(module.default({ page: session.page, context: session.context, url, phone: phone.name, mode: flags.mode, log, env: ctx.env }));
        scriptResult = await withTimeout(run, timeoutMs, `script did not finish within ${timeoutMs} ms`);
      } else if (flags.untilUrl) {
        const pattern = new RegExp(flags.untilUrl);
        await session.page.waitForURL(pattern, { timeout: timeoutMs ?? 0 });
      } else {
        await waitForClose(session.context, timeoutMs);
      }
    } catch (error) {
      failure = error;
    } finally {
      if (keepSyncing) clearInterval(keepSyncing);
    }
    const closed = await session.close();
    const result = {
      phone: phone.name,
      mode: flags.mode,
      url,
      finalUrl: safeUrl(session.page),
      limits: session.limits,
      synced: closed.synced ?? null,
      ceremonies: session.ceremonies,
      credentialCount: vault.getPhone(phone.name).credentialCount,
      ...(scriptResult === undefined ? {} : { scriptResult }),
    };
    if (failure) {
      if (failure instanceof CliError) throw failure;
      const text = failure instanceof Error ? failure.message.split('\n')[0] : String(failure);
      throw new CliError('EXPECTATION_FAILED', `browse script failed: ${text}`);
    }
    printData(ctx.io, result, (r) =>
      [
        `phone ${r.phone}: ${r.credentialCount} credential(s) in the vault`,
        r.synced ? `written back from Chromium: ${r.synced.added.length} new, ${r.synced.updated.length} counter(s) advanced` : `shim mode: ${r.ceremonies.length} ceremony(ies), persisted as they happened`,
      ].join('\n'),
    );
  } finally {
    vault.close();
  }
}

function safeUrl(page: import('playwright-core').Page): string | null {
  try {
    return page.url();
  } catch {
    return null;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number | undefined, text: string): Promise<T> {
  if (ms === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CliError('EXPECTATION_FAILED', text)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Until the window is closed by hand, Ctrl-C, or the timeout. */
function waitForClose(context: import('playwright-core').BrowserContext, ms: number | undefined): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      clearTimeout(timer);
      done();
    };
    const timer = ms === undefined ? undefined : setTimeout(finish, ms);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    context.on('close', finish);
    for (const page of context.pages()) page.on('close', () => context.pages().length === 0 && finish());
  });
}
