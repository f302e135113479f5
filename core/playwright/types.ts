import type { BrowserContext, Page } from 'playwright-core';
import type { CdpLimit, ShimCeremony } from '../browser/index.js';
import type { Phone, PhoneCredentialInfo, PhoneFaults, PhonePrompt, PromptDecision, SignalResult } from '../phone/index.js';

export type AttachMode = 'shim' | 'cdp';

/** One ceremony a page ran against the phone. */
export type PageCeremony = ShimCeremony;

export interface AttachPhoneOptions {
  /**
   * `shim` (default): the harness's own authenticator answers `navigator.credentials` — the
   * profile is exact (AAGUID, attestation, counter policy), faults work.
   * `cdp`: Chromium's own WebAuthn stack with a CDP virtual authenticator loaded with the
   * phone's keys — Chromium builds clientData; see `limits` for what differs.
   */
  mode?: AttachMode;
  /** Shim mode: origins served (default: every origin; the RP ID must still fit the page's origin). */
  origins?: string[];
  /** Answers the phone's prompts while attached (queued `nextPrompt` decisions win). */
  prompt?: PhonePrompt;
}

export interface AttachedPhone {
  readonly mode: AttachMode;
  readonly phone: Phone;
  readonly context: BrowserContext;
  /** The page a cdp-mode phone lives in (a virtual authenticator belongs to one tab); the given page in shim mode. */
  readonly page: Page | undefined;
  /** What Chromium's virtual authenticator cannot express for this profile (cdp mode; empty in shim mode). */
  readonly limits: readonly CdpLimit[];
  /** Ceremonies pages ran against the phone, in order. */
  readonly ceremonies: readonly PageCeremony[];
  /** Signal API calls pages made (`PublicKeyCredential.signal*`), with what each removed or renamed on the phone. */
  readonly signals: readonly SignalResult[];
  /** The phone's credentials now (cdp mode reads Chromium's first). */
  credentials(): Promise<PhoneCredentialInfo[]>;
  /** Queues answers for the next prompts: 'approve' | 'deny' | 'timeout' | 'uv-unavailable'. */
  nextPrompt(...decisions: PromptDecision[]): void;
  /** Shim mode only: cdp mode throws NOT_SUPPORTED (Chromium signs for itself). */
  readonly faults: PhoneFaults;
  /** cdp mode: writes Chromium's credentials and counters back to the phone's store now. */
  sync(): Promise<{ added: string[]; updated: string[]; unchanged: number } | undefined>;
  /** Syncs (cdp), detaches the phone (later ceremonies get NotAllowedError) and restores the phone's prompt. Idempotent. */
  close(): Promise<{ synced?: { added: string[]; updated: string[]; unchanged: number } }>;
}

/** What the page-side gate script sends through its binding: untrusted, so every field is checked where read. */
export interface GatePayload {
  id?: unknown;
  ok?: unknown;
  credentialId?: unknown;
  name?: unknown;
  message?: unknown;
  ceremony?: unknown;
  userVerification?: unknown;
  rpId?: unknown;
  userName?: unknown;
}
