import type { CredentialStore, DeviceProfile, LocalAuthDecision, LocalAuthRequest } from '../core/authenticator/index.js';
import { describeCdpLimits, loadVirtualAuthenticator, syncVirtualAuthenticator, type CdpLimit, type CdpSend, type ImportCdpCredentialsResult } from '../core/browser/index.js';
import { GATE_BINDING, GATE_RESOLVE, gateScript, type GateAnswer, type GateMessage } from './phoneGateScript.js';

/** The part of Electron's `webContents.debugger` this module uses (a fake in tests). */
export interface DebuggerLike {
  attach(protocolVersion?: string): void;
  detach(): void;
  isAttached(): boolean;
  sendCommand(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** `'message'` listeners get `(event, method, params, sessionId?)`; params are untrusted until checked. */
  on(event: 'message', listener: (event: unknown, method: string, params: unknown) => void): unknown;
  removeListener(event: 'message', listener: (event: unknown, method: string, params: unknown) => void): unknown;
}

/** The fields of the CDP events this module listens to (`Runtime.executionContextCreated/Destroyed`, `Runtime.bindingCalled`), each checked before use. */
interface CdpEventParams {
  context?: { id?: unknown; origin?: unknown };
  executionContextId?: unknown;
  name?: unknown;
  payload?: unknown;
}

/** The prompt request, plus the origin of the frame that asked (from CDP, not from the page). */
export type PhoneAuthRequest = LocalAuthRequest & { origin: string };
export type PhoneLocalAuth = (request: PhoneAuthRequest) => Promise<LocalAuthDecision>;

export interface PhoneFrameSession {
  authenticatorId: string;
  limits: CdpLimit[];
  /** Credentials the virtual authenticator refused to load (base64url id + reason). */
  skipped: { credentialId: string; reason: string }[];
  /** Writes new credentials and advanced counters back to the phone. */
  sync(): Promise<ImportCdpCredentialsResult>;
  /** Syncs, removes the virtual authenticator and detaches the debugger. */
  close(): Promise<ImportCdpCredentialsResult>;
}

/** How long an approved ceremony may keep the authenticator open if the page never reports back. */
const DEFAULT_OPEN_MS = 120_000;

function parseGateMessage(payload: unknown): GateMessage | undefined {
  if (typeof payload !== 'string' || payload.length > 2048) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || typeof value.id !== 'string' || !/^[A-Za-z0-9-]{1,40}$/.test(value.id)) return undefined;
  if (value.type === 'done') return { type: 'done', id: value.id };
  if (value.type !== 'ask' || (value.ceremony !== 'create' && value.ceremony !== 'get')) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 256) : undefined);
  return { type: 'ask', id: value.id, ceremony: value.ceremony, rpId: text(value.rpId) ?? '', userName: text(value.userName), userVerification: text(value.userVerification) ?? 'preferred' };
}

const USER_VERIFICATION = new Set(['required', 'preferred', 'discouraged']);

/**
 * A phone window opening an arbitrary URL in the desktop app: the same CDP commands as
 * `pkh browse` (core/browser builders) sent through `webContents.debugger`.
 *
 * With `localAuth`, the prompt is asked PER CEREMONY. CDP semantics (measured on Chromium 156):
 * with presence simulation off a request hangs until the page's timeout, turning presence on
 * afterwards does not answer it, and a UV-capable authenticator that is not verified refuses at
 * once. So the authenticator is kept closed (`setAutomaticPresenceSimulation` off,
 * `setUserVerified` false) and the page's `navigator.credentials` is gated (phoneGateScript.ts):
 * the page asks over a `Runtime` binding, main shows the prompt, and only after an approval opens
 * the authenticator (presence on, verified per profile) and lets the call through; when the page
 * reports the ceremony done, the authenticator closes again and the phone is synced. A denial or
 * time-out never reaches Chromium: the gate rejects with NotAllowedError, as a phone would.
 * Without `localAuth`, presence is simulated automatically (as `browse` does).
 */
export async function attachPhoneDebugger(options: {
  debugger: DebuggerLike;
  profile: DeviceProfile;
  credentials: CredentialStore;
  /** The per-ceremony prompt (the console's device prompt in the app). */
  localAuth?: PhoneLocalAuth;
  /** After each gated ceremony and on close: what the sync wrote to the phone. */
  onSynced?: (result: ImportCdpCredentialsResult) => void;
  /** Upper bound for one approved ceremony; default 120 s. */
  openMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}): Promise<PhoneFrameSession> {
  const { profile, localAuth, onSynced, openMs = DEFAULT_OPEN_MS } = options;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const dbg = options.debugger;
  if (!dbg.isAttached()) dbg.attach('1.3');
  const send: CdpSend = (method, params) => dbg.sendCommand(method, params);
  const loaded = await loadVirtualAuthenticator({ send, profile, credentials: options.credentials.list() });
  const { authenticatorId } = loaded;

  let syncing: Promise<unknown> = Promise.resolve();
  const sync = (): Promise<ImportCdpCredentialsResult> => {
    const run = syncing.then(() => syncVirtualAuthenticator({ send, authenticatorId, store: options.credentials }).then(({ credentials: _, ...counts }) => counts));
    syncing = run.catch(() => undefined);
    return run;
  };

  const contexts = new Map<number, string>();
  /** Approved ceremonies in flight, keyed by execution context + the page's id; the authenticator is open while any is. */
  const open = new Map<string, unknown>();
  let closed = false;
  /** One prompt at a time, as on a phone (Chromium would refuse a second concurrent request too). */
  let asking = false;

  const setOpen = async (uv: boolean) => {
    if (profile.uv) await send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: uv });
    await send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
  };
  const setClosed = async () => {
    await send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    if (profile.uv) await send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  };
  const finish = async (key: string) => {
    const timer = open.get(key);
    if (!open.delete(key)) return;
    clearTimer(timer);
    if (open.size === 0 && !closed) await setClosed().catch(() => undefined);
    if (!closed) await sync().then((result) => onSynced?.(result)).catch(() => undefined);
  };
  const answer = (contextId: number, id: string, reply: GateAnswer) =>
    send('Runtime.evaluate', { contextId, expression: `window[${JSON.stringify(GATE_RESOLVE)}](${JSON.stringify(id)}, ${JSON.stringify(reply)})` }).catch(() => undefined);

  async function onAsk(contextId: number, message: Extract<GateMessage, { type: 'ask' }>) {
    const key = `${contextId}:${message.id}`;
    const userVerification = (USER_VERIFICATION.has(message.userVerification) ? message.userVerification : 'preferred') as LocalAuthRequest['userVerification'];
    let decision: LocalAuthDecision;
    if (asking) {
      decision = 'deny';
    } else if (userVerification === 'required' && !profile.uv) {
      decision = 'uv-unavailable';
    } else {
      asking = true;
      try {
        decision = await localAuth!({ ceremony: message.ceremony, rpId: message.rpId, userName: message.userName, userVerification, profile, origin: contexts.get(contextId) ?? '' });
      } catch {
        decision = 'deny';
      } finally {
        asking = false;
      }
    }
    if (closed) return;
    const proceed = decision === 'approve' || (decision === 'uv-unavailable' && userVerification !== 'required');
    if (!proceed) return void (await answer(contextId, message.id, decision === 'approve' ? 'deny' : decision));
    open.set(key, setTimer(() => void finish(key), openMs));
    await setOpen(decision === 'approve');
    await answer(contextId, message.id, 'proceed');
  }

  const onMessage = (_event: unknown, method: string, raw: unknown) => {
    if (!raw || typeof raw !== 'object') return;
    const params: CdpEventParams = raw;
    if (method === 'Runtime.executionContextCreated') {
      const context = params.context;
      if (typeof context?.id === 'number' && typeof context.origin === 'string') contexts.set(context.id, context.origin);
    } else if (method === 'Runtime.executionContextDestroyed' && typeof params.executionContextId === 'number') {
      contexts.delete(params.executionContextId);
    } else if (method === 'Runtime.bindingCalled' && params.name === GATE_BINDING && typeof params.executionContextId === 'number') {
      const message = parseGateMessage(params.payload);
      if (!message) return;
      if (message.type === 'done') void finish(`${params.executionContextId}:${message.id}`);
      else void onAsk(params.executionContextId, message).catch(() => undefined);
    }
  };

  if (localAuth) {
    dbg.on('message', onMessage);
    await setClosed();
    await send('Runtime.enable');
    await send('Runtime.addBinding', { name: GATE_BINDING });
    await send('Page.enable');
    await send('Page.addScriptToEvaluateOnNewDocument', { source: gateScript() });
  }

  return {
    authenticatorId,
    limits: describeCdpLimits(profile),
    skipped: loaded.skipped,
    sync,
    async close() {
      closed = true;
      for (const timer of open.values()) clearTimer(timer);
      open.clear();
      if (localAuth) dbg.removeListener('message', onMessage);
      const result = await sync();
      onSynced?.(result);
      await send('WebAuthn.removeVirtualAuthenticator', { authenticatorId }).catch(() => undefined);
      if (dbg.isAttached()) dbg.detach();
      return result;
    },
  };
}
