import type { BrowserContext } from 'playwright-core';
import type { Authenticator, CredentialStore } from '../authenticator/index.js';
import { createClient } from '../client/index.js';
import { HarnessError, type HarnessErrorCode } from '../errors.js';
import { applySignal, parseSignal, type SignalResult } from '../phone/index.js';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '../webauthn/index.js';
import { SHIM_BINDING, shimScript } from './shimScript.js';

export interface ShimCeremony {
  ceremony: 'create' | 'get';
  origin: string;
  ok: boolean;
  credentialId?: string;
  error?: { code: string; message: string };
}

/**
 * Shim mode: every page of the context on an allowed origin gets a `navigator.credentials`
 * served by the harness's own authenticator for the phone (`createClient` + the phone's
 * `Authenticator`), so AAGUID, BE/BS, attestation format and counter policy are the profile's,
 * exactly as in-process. The origin comes from the calling frame, never from the page's word.
 */
export async function installShim(options: {
  context: BrowserContext;
  authenticator: Authenticator;
  /** Origins the shim serves (e.g. the URL under test's origin); empty = every origin. */
  origins: readonly string[];
  onCeremony?: (record: ShimCeremony) => void;
  /**
   * The phone's credential store: the page's Signal API calls act on it (core/phone's applySignal).
   * Without it the phone ignores signals, as a provider may.
   */
  credentials?: CredentialStore;
  /** Each Signal API call the phone honoured. */
  onSignal?: (result: SignalResult) => void;
}): Promise<void> {
  const { context, authenticator, origins, onCeremony, credentials, onSignal } = options;
  await context.exposeBinding(SHIM_BINDING, async (source, ceremony: unknown, publicKey: unknown) => {
    const origin = new URL(source.frame.url()).origin;
    if (ceremony === 'signal') {
      try {
        if (origins.length > 0 && !origins.includes(origin)) throw new HarnessError('SECURITY_ERROR', `the shim does not serve ${origin}`);
        const signal = parseSignal(publicKey);
        if (credentials) onSignal?.(applySignal(credentials, signal, { origin }));
        return { ok: true };
      } catch (cause) {
        return { ok: false, error: { code: cause instanceof HarnessError ? cause.code : 'INTERNAL', message: cause instanceof Error ? cause.message : String(cause) } };
      }
    }
    try {
      if (origins.length > 0 && !origins.includes(origin)) throw new HarnessError('SECURITY_ERROR', `the shim does not serve ${origin}`);
      const client = createClient({ authenticator, origin });
      const value =
        ceremony === 'create'
          ? await client.create(publicKey as PublicKeyCredentialCreationOptionsJSON)
          : await client.get(publicKey as PublicKeyCredentialRequestOptionsJSON);
      onCeremony?.({ ceremony: ceremony === 'create' ? 'create' : 'get', origin, ok: true, credentialId: value.id });
      return { ok: true, value };
    } catch (cause) {
      const code: HarnessErrorCode | 'NOT_ALLOWED' = cause instanceof HarnessError ? cause.code : 'NOT_ALLOWED';
      const error = { code, message: cause instanceof Error ? cause.message : String(cause) };
      onCeremony?.({ ceremony: ceremony === 'create' ? 'create' : 'get', origin, ok: false, error });
      return { ok: false, error };
    }
  });
  const platform = authenticator.profile.attachment === 'platform';
  await context.addInitScript({ content: shimScript({ origins, platform }) });
}
