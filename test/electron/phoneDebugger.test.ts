import { describe, expect, it } from 'vitest';
import { memoryCredentialStore } from '../../core/authenticator/credentials.js';
import { builtInProfiles } from '../../core/authenticator/profiles.js';
import { createAuthenticator } from '../../core/authenticator/createAuthenticator.js';
import { toBase64 } from '../../core/browser/index.js';
import { sha256 } from '../../core/webauthn/hash.js';
import { attachPhoneDebugger, type DebuggerLike } from '../../electron/phoneDebugger.js';

function fakeDebugger(credentialsInBrowser: () => unknown[]) {
  const sent: { method: string; params?: Record<string, unknown> }[] = [];
  let attached = false;
  const dbg: DebuggerLike = {
    attach: () => void (attached = true),
    detach: () => void (attached = false),
    isAttached: () => attached,
    async sendCommand(method, params) {
      sent.push({ method, params });
      if (method === 'WebAuthn.addVirtualAuthenticator') return { authenticatorId: 'va-1' };
      if (method === 'WebAuthn.getCredentials') return { credentials: credentialsInBrowser() };
      return {};
    },
  };
  return { dbg, sent };
}

describe('attachPhoneDebugger (webContents.debugger, same CDP commands as pkh browse)', () => {
  it('configures the virtual authenticator from the profile, loads the phone, writes the browser counter back and detaches', async () => {
    const profile = builtInProfiles['windows-hello']!;
    const credentials = memoryCredentialStore();
    const authenticator = createAuthenticator({ profile, credentials, seed: 'electron-debugger' });
    const made = await authenticator.makeCredential({ rpId: 'example.test', clientDataHash: sha256(new Uint8Array([1])), user: { id: new Uint8Array([7]), name: 'u', displayName: 'U' }, pubKeyCredParams: [{ alg: -7 }], residentKey: 'required' });
    const stored = credentials.get(made.credentialId)!;
    const { dbg, sent } = fakeDebugger(() => [{ credentialId: toBase64(stored.id), isResidentCredential: true, rpId: 'example.test', privateKey: toBase64(stored.privateKey), signCount: 5 }]);

    const session = await attachPhoneDebugger({ debugger: dbg, profile, credentials, url: 'https://example.test/login', localAuth: async () => 'approve' });
    expect(dbg.isAttached()).toBe(true);
    expect(sent.map((s) => s.method)).toEqual(['WebAuthn.enable', 'WebAuthn.addVirtualAuthenticator', 'WebAuthn.addCredential']);
    expect(sent[1]!.params).toMatchObject({ options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } });
    expect(sent[2]!.params).toMatchObject({ authenticatorId: 'va-1', credential: { rpId: 'example.test', isResidentCredential: true, privateKey: toBase64(stored.privateKey) } });
    expect(session.limits.map((l) => l.field)).toContain('aaguid');

    await expect(session.close()).resolves.toMatchObject({ added: [], updated: [expect.any(String)] });
    expect(credentials.get(made.credentialId)!.signCount).toBe(5);
    expect(sent.at(-1)!.method).toBe('WebAuthn.removeVirtualAuthenticator');
    expect(dbg.isAttached()).toBe(false);
  });

  it('a denied prompt turns presence off so the page gets NotAllowedError', async () => {
    const { dbg, sent } = fakeDebugger(() => []);
    await attachPhoneDebugger({ debugger: dbg, profile: builtInProfiles['iphone-icloud']!, credentials: memoryCredentialStore(), localAuth: async () => 'deny' });
    expect(sent.at(-1)).toEqual({ method: 'WebAuthn.setAutomaticPresenceSimulation', params: { authenticatorId: 'va-1', enabled: false } });
  });
});
