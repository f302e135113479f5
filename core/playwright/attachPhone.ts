import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { authorizeLocally, type Authenticator, type AuthenticatorFaults } from '../authenticator/index.js';
import {
  describeCdpLimits,
  installShim,
  loadVirtualAuthenticator,
  shimScript,
  syncVirtualAuthenticator,
  toBase64,
  type CdpLimit,
  type CdpSend,
  type ShimCeremony,
} from '../browser/index.js';
import { HarnessError } from '../errors.js';
import type { Phone, PhoneCredentialInfo, PhoneFaults, PhonePrompt, PromptDecision, SignalResult } from '../phone/index.js';
import { fromBase64url } from '../webauthn/index.js';
import { forwardSignals, signalScript } from './forwardSignals.js';
import { GATE_BINDING, gateScript } from './gateScript.js';
import type { AttachedPhone, AttachMode, AttachPhoneOptions, GatePayload, PageCeremony } from './types.js';

/**
 * Puts a harness phone into a Playwright page or context (playwright-core or @playwright/test).
 * Attach before `page.goto`; pages already open are patched too. One phone per context in
 * shim mode (like one device per browser profile); cdp mode needs a page (a context gets its
 * first page, or a new one).
 */
export async function attachPhone(target: Page | BrowserContext, phone: Phone, options: AttachPhoneOptions = {}): Promise<AttachedPhone> {
  const { mode = 'shim' } = options;
  if (mode !== 'shim' && mode !== 'cdp') throw new HarnessError('INVALID_INPUT', `mode must be "shim" or "cdp", got "${String(mode)}"`);
  const isPage = typeof (target as Page).goto === 'function';
  const context = isPage ? (target as Page).context() : (target as BrowserContext);
  const savedPrompt = phone.prompt;
  if (options.prompt) phone.prompt = options.prompt;
  const ceremonies: PageCeremony[] = [];
  const signals: SignalResult[] = [];
  let closed = false;
  const restorePrompt = () => {
    if (options.prompt) phone.prompt = savedPrompt;
  };
  try {
    return mode === 'shim'
      ? await attachShim({ context, page: isPage ? (target as Page) : undefined, phone, options, ceremonies, signals, isClosed: () => closed, onClose: () => ((closed = true), restorePrompt()) })
      : await attachCdp({ page: isPage ? (target as Page) : (context.pages()[0] ?? (await context.newPage())), context, phone, ceremonies, signals, isClosed: () => closed, onClose: () => ((closed = true), restorePrompt()) });
  } catch (error) {
    restorePrompt();
    throw error;
  }
}

interface AttachParts {
  context: BrowserContext;
  phone: Phone;
  ceremonies: PageCeremony[];
  signals: SignalResult[];
  isClosed(): boolean;
  onClose(): void;
}

async function attachShim(parts: AttachParts & { page: Page | undefined; options: AttachPhoneOptions }): Promise<AttachedPhone> {
  const { context, phone, ceremonies, isClosed, onClose } = parts;
  const origins = parts.options.origins ?? [];
  const detached = () => new HarnessError('NOT_ALLOWED', 'the phone was detached from this browser', { details: { reason: 'detached' } });
  const inner = phone.authenticator;
  // The shim gets a view of the phone's authenticator that stops answering once detached.
  const authenticator: Authenticator = {
    get profile() {
      return inner.profile;
    },
    get backend() {
      return inner.backend;
    },
    get faults() {
      return inner.faults;
    },
    set faults(value: AuthenticatorFaults) {
      inner.faults = value;
    },
    makeCredential: (o) => (isClosed() ? Promise.reject(detached()) : inner.makeCredential(o)),
    getAssertion: (o) => (isClosed() ? Promise.reject(detached()) : inner.getAssertion(o)),
    listCredentials: (f) => inner.listCredentials(f),
    attestationCa: () => inner.attestationCa(),
  };
  try {
    await installShim({ context, authenticator, origins, onCeremony: (record) => ceremonies.push(record) });
  } catch (cause) {
    if (cause instanceof Error && /already registered/i.test(cause.message)) {
      throw new HarnessError('INVALID_STATE', 'this browser context already has a shim-mode phone: use one context per phone', { cause });
    }
    throw cause;
  }
  await forwardSignals({ target: context, phone, isClosed, signals: parts.signals });
  await patchOpenPages(context.pages(), shimScript({ origins, platform: phone.profile.attachment === 'platform' }) + signalScript());
  return {
    mode: 'shim',
    phone,
    context,
    page: parts.page,
    limits: [],
    ceremonies,
    signals: parts.signals,
    credentials: async () => phone.credentials(),
    nextPrompt: (...decisions) => phone.nextPrompt(...decisions),
    faults: phone.faults,
    sync: async () => undefined,
    close: async () => {
      if (!isClosed()) onClose();
      return {};
    },
  };
}

const cdpPages = new WeakSet<Page>();

/** How long an approved cdp-mode ceremony may run before the authenticator closes again. */
const APPROVED_CEREMONY_MS = 120_000;

async function attachCdp(parts: AttachParts & { page: Page }): Promise<AttachedPhone> {
  const { context, page, phone, ceremonies, isClosed, onClose } = parts;
  const profile = phone.profile;
  // The gate binding cannot be taken back, and Chromium holds one internal authenticator per page.
  if (cdpPages.has(page)) throw new HarnessError('INVALID_STATE', 'this page already had a cdp-mode phone: use a new page per phone');
  cdpPages.add(page);
  let cdp: CDPSession;
  try {
    cdp = await context.newCDPSession(page);
  } catch (cause) {
    throw new HarnessError('NOT_SUPPORTED', 'cdp mode needs Chromium (a CDP session on the page)', { cause });
  }
  const send: CdpSend = (method, params) => cdp.send(method as never, params as never);
  const loaded = await loadVirtualAuthenticator({ send, profile, credentials: phone.store.list() });
  const { authenticatorId } = loaded;
  // Closed between ceremonies: without presence Chromium cannot answer a page that slips past the gate.
  const setOpen = async (open: boolean, uv = false) => {
    await send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: open && uv });
    await send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: open });
  };
  await setOpen(false);

  let inFlight: { id: number; ceremony: 'create' | 'get'; origin: string; timer: NodeJS.Timeout } | undefined;
  let nextId = 1;
  const finish = async (ok: boolean, extra: { credentialId?: string; error?: { code: string; message: string } }) => {
    const current = inFlight;
    if (!current) return;
    inFlight = undefined;
    clearTimeout(current.timer);
    ceremonies.push({ ceremony: current.ceremony, origin: current.origin, ok, ...extra });
    if (!isClosed()) await setOpen(false).catch(() => undefined);
  };

  await page.exposeBinding(GATE_BINDING, async (source, kind: unknown, raw: unknown) => {
    const payload: GatePayload = raw !== null && typeof raw === 'object' ? raw : {};
    const origin = new URL(source.frame.url()).origin;
    if (kind === 'done') {
      if (inFlight && payload.id === inFlight.id) {
        await finish(Boolean(payload.ok), payload.ok ? { credentialId: String(payload.credentialId ?? '') } : { error: { code: String(payload.name ?? 'Error'), message: String(payload.message ?? '') } });
      }
      return null;
    }
    const ceremony: 'create' | 'get' = payload.ceremony === 'create' ? 'create' : 'get';
    const refuse = (code: string, message: string) => {
      ceremonies.push({ ceremony, origin, ok: false, error: { code, message } });
      return { ok: false, message: `${message} (${code})` };
    };
    if (isClosed()) return refuse('NOT_ALLOWED', 'the phone was detached from this browser');
    if (inFlight) return refuse('NOT_ALLOWED', 'the phone is already answering another request');
    const userVerification = payload.userVerification === 'required' || payload.userVerification === 'discouraged' ? payload.userVerification : 'preferred';
    let decision: PromptDecision;
    try {
      // Same prompt semantics as in-process: queued decisions, then the prompt callback.
      let asked: PromptDecision = 'approve';
      await authorizeLocally(
        async (request) => {
          asked = await phone.decide(request);
          return asked;
        },
        { ceremony, rpId: String(payload.rpId ?? ''), ...(payload.userName ? { userName: String(payload.userName) } : {}), userVerification, profile },
      );
      decision = asked;
    } catch (error) {
      return refuse(error instanceof HarnessError ? error.code : 'NOT_ALLOWED', error instanceof Error ? error.message : String(error));
    }
    const id = nextId++;
    const timer = setTimeout(() => void finish(false, { error: { code: 'TIMEOUT', message: 'the page never reported back' } }), APPROVED_CEREMONY_MS);
    timer.unref();
    inFlight = { id, ceremony, origin, timer };
    // Chromium's UV-capable authenticator refuses outright when UV is off, so "UV unavailable" cannot be UP-only here.
    await setOpen(true, decision === 'approve' && profile.uv);
    return { ok: true, id };
  });
  const script = gateScript();
  await page.addInitScript({ content: script });
  // Chromium's own copy of a credential the RP signalled away goes too, so it is not offered again.
  await forwardSignals({
    target: page,
    phone,
    isClosed,
    signals: parts.signals,
    beforeSignal: () => sync(),
    afterSignal: async (result) => {
      for (const id of result.removed) await send('WebAuthn.removeCredential', { authenticatorId, credentialId: toBase64(fromBase64url(id)) }).catch(() => undefined);
    },
  });
  await patchOpenPages([page], script + signalScript());

  const added = new Set<string>();
  const updated = new Set<string>();
  let unchanged = 0;
  const sync = async () => {
    const result = await syncVirtualAuthenticator({ send, authenticatorId, store: phone.store });
    for (const id of result.added) added.add(id);
    for (const id of result.updated) updated.add(id);
    unchanged = result.unchanged;
    return { added: [...added], updated: [...updated].filter((id) => !added.has(id)), unchanged };
  };
  const noFaults: PhoneFaults = {
    arm: () => {
      throw new HarnessError('NOT_SUPPORTED', 'faults need shim mode: in cdp mode Chromium builds and signs the response itself');
    },
    disarm: () => undefined,
    clear: () => undefined,
    armed: () => ({}),
  };
  let closing: Promise<{ synced?: { added: string[]; updated: string[]; unchanged: number } }> | undefined;
  return {
    mode: 'cdp',
    phone,
    context,
    page,
    limits: describeCdpLimits(profile),
    ceremonies,
    signals: parts.signals,
    credentials: async () => {
      if (!isClosed()) await sync();
      return phone.credentials();
    },
    nextPrompt: (...decisions) => phone.nextPrompt(...decisions),
    faults: noFaults,
    sync: async () => (isClosed() ? undefined : sync()),
    close() {
      closing ??= (async () => {
        onClose();
        if (inFlight) clearTimeout(inFlight.timer);
        // The page may already be gone: keep what earlier syncs wrote.
        const synced = await sync().catch(() => ({ added: [...added], updated: [...updated].filter((id) => !added.has(id)), unchanged }));
        await send('WebAuthn.removeVirtualAuthenticator', { authenticatorId }).catch(() => undefined);
        await cdp.detach().catch(() => undefined);
        return { synced };
      })();
      return closing;
    },
  };
}

/** Init scripts only reach documents loaded later: run the script in frames already showing a page. */
async function patchOpenPages(pages: readonly Page[], script: string): Promise<void> {
  for (const page of pages) {
    for (const frame of page.frames()) {
      if (!/^https?:/.test(frame.url())) continue;
      await frame.evaluate(script).catch(() => undefined);
    }
  }
}
