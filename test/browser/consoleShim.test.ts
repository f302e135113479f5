// @peculiar/x509 (attestation CA) needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../core/authenticator/index.js';
import { createClient } from '../../core/client/index.js';
import { HarnessError } from '../../core/errors.js';
import { toBase64url } from '../../core/webauthn/base64url.js';
import { inspectCeremony } from '../../core/inspect/index.js';
import { installCredentialsShim, toPageCredential, toPageError, toWebAuthnJson, type PageWindow } from '../../renderer/console/webauthnShim.js';

/** A stand-in for the framed page: only what the shim touches, with its own realm's constructors. */
function fakePage() {
  class PublicKeyCredential {}
  class AuthenticatorAttestationResponse {}
  class AuthenticatorAssertionResponse {}
  class FakeDOMException extends Error {
    constructor(message: string, override readonly name: string) {
      super(message);
    }
  }
  const credentials = { create: vi.fn(), get: vi.fn() };
  const page = {
    navigator: { credentials },
    location: { origin: 'http://localhost:8787' },
    ArrayBuffer,
    Uint8Array,
    Array,
    JSON,
    Promise,
    DOMException: FakeDOMException,
    PublicKeyCredential,
    AuthenticatorAttestationResponse,
    AuthenticatorAssertionResponse,
  };
  return page as unknown as PageWindow & { navigator: { credentials: { create: (o: unknown) => Promise<unknown>; get: (o: unknown) => Promise<unknown> } } };
}

const origin = 'http://localhost:8787';
const challenge = new Uint8Array(32).fill(7);
const creationOptions = {
  rp: { id: 'localhost', name: 'YM' },
  user: { id: new Uint8Array([1, 2, 3]).buffer, name: 'hanako', displayName: '山田 花子' },
  challenge: challenge.buffer,
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  excludeCredentials: [{ type: 'public-key', id: new Uint8Array([9, 9]) }],
  authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  attestation: 'none',
};

describe('console credentials shim', () => {
  it('turns creation options with BufferSources into WebAuthn JSON (base64url)', () => {
    expect(toWebAuthnJson(creationOptions)).toEqual({
      ...creationOptions,
      user: { id: 'AQID', name: 'hanako', displayName: '山田 花子' },
      challenge: toBase64url(challenge),
      excludeCredentials: [{ type: 'public-key', id: 'CQk' }],
    });
  });

  it('asks the device prompt, calls the phone’s authenticator, and returns a PublicKeyCredential look-alike with toJSON()', async () => {
    const authenticator = createAuthenticator({ profile: 'iphone-icloud', seed: 'shim-test' });
    const client = createClient({ authenticator, origin });
    const page = fakePage();
    const decide = vi.fn(async () => 'approve' as const);
    const calls: unknown[] = [];
    const onCeremony = vi.fn();
    installCredentialsShim(page, {
      phone: 'iphone-hanako',
      decide,
      onCeremony,
      api: {
        'phones.createCredential': async (input) => {
          calls.push(input);
          return (await client.create(input.options as never)) as unknown as Record<string, unknown>;
        },
        'phones.getAssertion': async () => ({}),
      },
    });
    const credential = (await page.navigator.credentials.create({ publicKey: creationOptions })) as Record<string, unknown> & { toJSON(): Record<string, unknown>; response: Record<string, unknown> };
    expect(decide).toHaveBeenCalledWith(expect.objectContaining({ ceremony: 'create', phone: 'iphone-hanako', rpId: 'localhost', userName: 'hanako', userVerification: 'required', origin }));
    expect(calls).toEqual([expect.objectContaining({ phone: 'iphone-hanako', origin, decision: 'approve' })]);
    expect(credential).toBeInstanceOf(page.PublicKeyCredential);
    expect(credential.type).toBe('public-key');
    expect(credential.rawId).toBeInstanceOf(ArrayBuffer);
    expect(credential.response).toBeInstanceOf(page.AuthenticatorAttestationResponse);
    expect(credential.toJSON().id).toBe(credential.id);
    expect(onCeremony).toHaveBeenCalledWith(expect.objectContaining({ ceremony: 'create', response: credential.toJSON() }));

    // The same response through the inspector: every stateless §7.1 check passes.
    const inspection = inspectCeremony({ response: credential.toJSON(), rpId: 'localhost', expectedOrigin: origin, expectedChallenge: toBase64url(challenge) });
    expect(inspection.kind).toBe('registration');
    expect(inspection.steps.filter((s) => s.status === 'fail')).toEqual([]);
    expect(inspection.authData?.flags).toMatchObject({ up: true, uv: true, at: true });
    expect(inspection.coseKey?.alg).toContain('ES256');
  });

  it('rejects with NotAllowedError when the prompt is denied (the harness answers NOT_ALLOWED)', async () => {
    const page = fakePage();
    installCredentialsShim(page, {
      phone: 'p',
      decide: async () => 'deny',
      api: {
        'phones.createCredential': async (input) => {
          if (input.decision === 'deny') throw new HarnessError('NOT_ALLOWED', 'The user denied the request');
          return {};
        },
        'phones.getAssertion': async () => ({}),
      },
    });
    await expect(page.navigator.credentials.create({ publicKey: creationOptions })).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('hands the page’s AbortSignal to the phone call, and an abort rejects as AbortError, as a browser does', async () => {
    const page = fakePage();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    installCredentialsShim(page, {
      phone: 'p',
      decide: async () => 'approve',
      api: {
        // Like the phone-frame bridge: the call ends when the page aborts, with whatever error it chose.
        'phones.createCredential': (_input, call) =>
          new Promise((_resolve, reject) => {
            seen = call?.signal;
            call?.signal?.addEventListener('abort', () => reject(new Error('cancelled')));
            controller.abort();
          }),
        'phones.getAssertion': async () => ({}),
      },
    });
    await expect(page.navigator.credentials.create({ publicKey: creationOptions, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(controller.signal);
  });

  it('builds assertion responses with authenticatorData, signature and userHandle buffers', () => {
    const page = fakePage();
    const credential = toPageCredential(
      page,
      { id: 'AQID', rawId: 'AQID', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AQ', userHandle: 'Ag' }, clientExtensionResults: {} },
      'get',
    ) as { response: Record<string, unknown> };
    expect(credential.response).toBeInstanceOf(page.AuthenticatorAssertionResponse);
    expect(new Uint8Array(credential.response.userHandle as ArrayBuffer)).toEqual(new Uint8Array([2]));
  });

  it('flags a response whose clientData origin and rpIdHash are for another site', async () => {
    const authenticator = createAuthenticator({ profile: 'yubikey-5', seed: 'inspector' });
    const evil = createClient({ authenticator, origin: 'https://evil.example' });
    const json = toWebAuthnJson({ ...creationOptions, rp: { id: 'evil.example', name: 'x' } }) as never;
    const response = (await evil.create(json)) as unknown as Record<string, unknown>;
    const inspection = inspectCeremony({ response, rpId: 'localhost', expectedOrigin: origin });
    const status = Object.fromEntries(inspection.steps.map((s) => [s.id, s.status]));
    expect(status).toMatchObject({ origin: 'fail', rpIdHash: 'fail', challenge: 'skip', type: 'pass' });
  });

  it('gives the page the Signal API: each signal reaches phones.signal with the page origin, and the page gets undefined', async () => {
    const page = fakePage();
    const calls: unknown[] = [];
    const seen: unknown[] = [];
    installCredentialsShim(page, {
      phone: 'iphone',
      decide: async () => 'approve',
      onSignal: (record) => seen.push(record),
      api: {
        'phones.createCredential': async () => ({}),
        'phones.getAssertion': async () => ({}),
        'phones.signal': async (input) => {
          calls.push(input);
          if (input.rpId === 'example.com') throw new HarnessError('SECURITY_ERROR', 'not this origin');
          return { phone: 'iphone', signal: input.signal, removed: input.signal === 'unknownCredential' ? [input.credentialId] : [], updated: [] };
        },
      },
    });
    const pkc = page.PublicKeyCredential as unknown as Record<string, (o: unknown) => Promise<unknown>>;
    await expect(pkc.signalUnknownCredential!({ rpId: 'localhost', credentialId: 'AQID' })).resolves.toBeUndefined();
    await pkc.signalAllAcceptedCredentials!({ rpId: 'localhost', userId: 'dXNlcg', allAcceptedCredentialIds: ['AQID'] });
    await pkc.signalCurrentUserDetails!({ rpId: 'localhost', userId: 'dXNlcg', name: 'hanako', displayName: '山田 花子' });
    expect(calls).toEqual([
      { signal: 'unknownCredential', phone: 'iphone', origin, rpId: 'localhost', credentialId: 'AQID' },
      { signal: 'allAcceptedCredentials', phone: 'iphone', origin, rpId: 'localhost', userId: 'dXNlcg', allAcceptedCredentialIds: ['AQID'] },
      { signal: 'currentUserDetails', phone: 'iphone', origin, rpId: 'localhost', userId: 'dXNlcg', name: 'hanako', displayName: '山田 花子' },
    ]);
    expect(seen[0]).toMatchObject({ signal: 'unknownCredential', removed: ['AQID'] });
    // A refused signal rejects in the page as a browser would (SecurityError), and is still seen.
    await expect(pkc.signalUnknownCredential!({ rpId: 'example.com', credentialId: 'AQID' })).rejects.toMatchObject({ name: 'SecurityError' });
    expect(seen).toHaveLength(4);
  });
});

describe('console credentials shim: errors as the page sees them', () => {
  it('malformed options are the page’s TypeError; device refusals its DOMException', () => {
    class PageTypeError extends TypeError {}
    const page = { ...fakePage(), TypeError: PageTypeError as unknown as TypeErrorConstructor };
    for (const code of ['INVALID_INPUT', 'BASE64URL_INVALID'] as const) {
      const error = toPageError(page, new HarnessError(code, 'bad options'));
      expect(error).toBeInstanceOf(PageTypeError);
      expect(error.message).toBe(`bad options (${code})`);
    }
    const refused = toPageError(page, new HarnessError('INVALID_STATE', 'already here'));
    expect(refused).toBeInstanceOf(page.DOMException);
    expect(refused.name).toBe('InvalidStateError');
  });
});
