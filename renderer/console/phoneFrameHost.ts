import { PHONE_FRAME_PROTOCOL } from '../customer/phoneFrameBridge.js';
import { describeError, type HarnessApi, type LocalAuthDecision } from '../shared/api.js';
import type { CeremonyRecord, PromptRequest, SignalRecord } from './webauthnShim.js';

/**
 * The console's side of a phone frame (issue 11 item 8). The customer pages in a phone frame come
 * from another origin (`harness.info.phoneFrameOrigin`), so neither they nor a script injected into
 * them can read the console's token, call its bridge or reach into its window. They forward their
 * WebAuthn ceremonies here by postMessage (renderer/customer/phoneFrameBridge.ts); this side:
 * - answers only messages from that frame's window and origin;
 * - asks QA for the decision itself (the device prompt), never trusting one from the page;
 * - calls the phone with the frame's real origin (the message's, not one the page names) and
 *   this frame's phone only;
 * - answers with the WebAuthn JSON, or `{ code, message }`;
 * - closes the prompt of a ceremony the frame cancels (`{ kind: 'cancel', id }`: the page timed out
 *   or aborted), answering it as timed out. Only that frame's own open requests can be cancelled.
 */
export interface PhoneFrameHostOptions {
  /** The iframe showing the customer pages. */
  frame: () => HTMLIFrameElement | undefined;
  /** The only origin whose messages are answered. */
  frameOrigin: string;
  phone: string;
  api: Pick<HarnessApi, 'phones.createCredential' | 'phones.getAssertion' | 'phones.signal'>;
  /** Shows the prompt; when `signal` aborts (the page cancelled), closes it and resolves 'timeout'. */
  decide: (request: PromptRequest, signal: AbortSignal) => Promise<LocalAuthDecision>;
  onCeremony?: (record: CeremonyRecord) => void;
  onSignal?: (record: SignalRecord) => void;
  /** The page's own API answers (path, ok, body), for the timeline. */
  onPageApi?: (path: string, ok: boolean, body: Record<string, unknown>) => void;
}

/** Where a phone frame loads the customer pages: the frame origin, this phone's slot, who may answer it. */
export function phoneFrameUrl({ frameOrigin, slot, consoleOrigin, platform }: { frameOrigin: string; slot: string; consoleOrigin: string; platform: boolean }): string {
  const query = new URLSearchParams({ slot, console: consoleOrigin });
  if (!platform) query.set('platform', '0');
  return `${frameOrigin}/?${query.toString()}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function rpIdOf(options: Record<string, unknown>, origin: string, ceremony: 'create' | 'get'): string {
  const rp = options.rp as { id?: unknown } | undefined;
  const fromOptions = ceremony === 'create' ? rp?.id : options.rpId;
  return typeof fromOptions === 'string' ? fromOptions : new URL(origin).hostname;
}

/** Starts answering the frame; returns the function that stops it. */
export function hostPhoneFrame(options: PhoneFrameHostOptions, win: Window = window): () => void {
  const { frameOrigin, phone, api } = options;

  /** This frame's ceremonies still waiting for their answer, by the frame's request id. */
  const open = new Map<number, AbortController>();

  async function ceremony(origin: string, kind: 'create' | 'get', json: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    const rpId = rpIdOf(json, origin, kind);
    const user = json.user as { name?: unknown } | undefined;
    const selection = json.authenticatorSelection as { userVerification?: unknown } | undefined;
    const uv = kind === 'create' ? selection?.userVerification : json.userVerification;
    const record: CeremonyRecord = { ceremony: kind, phone, origin, rpId, options: json };
    try {
      const decision = await options.decide({ ceremony: kind, phone, origin, rpId, ...(typeof user?.name === 'string' ? { userName: user.name } : {}), userVerification: typeof uv === 'string' ? uv : 'preferred' }, signal);
      const input = { phone, options: json, origin, decision };
      const result = kind === 'create' ? await api['phones.createCredential'](input) : await api['phones.getAssertion'](input);
      record.response = result as unknown as Record<string, unknown>;
      options.onCeremony?.(record);
      return result;
    } catch (error) {
      record.error = describeError(error);
      options.onCeremony?.(record);
      throw error;
    }
  }

  async function signal(origin: string, input: Record<string, unknown>): Promise<unknown> {
    const request = { ...input, phone, origin } as Parameters<typeof api['phones.signal']>[0];
    const record: SignalRecord = { signal: request.signal, phone, origin, rpId: String(request.rpId ?? ''), removed: [], updated: [] };
    try {
      const result = await api['phones.signal'](request);
      record.removed = result.removed;
      record.updated = result.updated;
      options.onSignal?.(record);
      return result;
    } catch (error) {
      record.error = describeError(error);
      options.onSignal?.(record);
      throw error;
    }
  }

  const listener = (event: MessageEvent) => {
    const frameWindow = options.frame()?.contentWindow;
    if (!frameWindow || event.source !== frameWindow || event.origin !== frameOrigin) return;
    const data: unknown = event.data;
    if (!isObject(data) || data.protocol !== PHONE_FRAME_PROTOCOL) return;
    const reply = (message: Record<string, unknown>) => frameWindow.postMessage({ protocol: PHONE_FRAME_PROTOCOL, kind: 'reply', id: data.id, ...message }, frameOrigin);
    const answer = (work: Promise<unknown>) =>
      work.then(
        (value) => reply({ ok: true, value }),
        (error: unknown) => reply({ ok: false, error: describeError(error) }),
      );
    if (data.kind === 'ceremony' && (data.ceremony === 'create' || data.ceremony === 'get') && isObject(data.options)) {
      const id = data.id;
      const controller = new AbortController();
      const cancellable = typeof id === 'number' && Number.isSafeInteger(id);
      if (cancellable) open.set(id, controller);
      void answer(ceremony(event.origin, data.ceremony, data.options, controller.signal)).finally(() => {
        // A reloaded page counts its ids from 1 again: drop only this ceremony's entry.
        if (cancellable && open.get(id) === controller) open.delete(id);
      });
    } else if (data.kind === 'cancel' && typeof data.id === 'number') open.get(data.id)?.abort();
    else if (data.kind === 'signal' && isObject(data.input)) void answer(signal(event.origin, data.input));
    else if (data.kind === 'api' && typeof data.path === 'string') options.onPageApi?.(data.path, data.ok === true, isObject(data.body) ? data.body : {});
  };
  win.addEventListener('message', listener);
  return () => win.removeEventListener('message', listener);
}
