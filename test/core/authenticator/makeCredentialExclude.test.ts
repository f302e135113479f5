import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { memoryCredentialStore, type CredentialStore } from '../../../core/authenticator/credentials.js';
import type { LocalAuthDecision, LocalAuthRequest } from '../../../core/authenticator/localAuth.js';
import { HarnessError } from '../../../core/errors.js';

const rpId = 'bank.example.jp';
const clientDataHash = new Uint8Array(32);
const user = { id: Uint8Array.of(1, 2, 3), name: 'taro', displayName: 'Taro' };
const pubKeyCredParams = [{ alg: -7 }];

function phone(decisions: LocalAuthDecision[], credentials: CredentialStore = memoryCredentialStore()) {
  const prompts: LocalAuthRequest[] = [];
  const authenticator = createAuthenticator({ profile: 'iphone-icloud', seed: 'exclude', credentials, localAuth: async (r) => (prompts.push(r), decisions.shift() ?? 'approve') });
  return { authenticator, prompts };
}

describe('makeCredential with an excluded credential present', () => {
  // WebAuthn §6.3.2 step 3: the authenticator asks for a gesture first; InvalidStateError only if
  // the user consents, NotAllowedError if not. Without it an RP probes for its credentials silently.
  it('asks the user before answering InvalidStateError', async () => {
    const { authenticator, prompts } = phone(['approve', 'approve']);
    const first = await authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams, residentKey: 'required' });
    await expect(authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams, excludeList: [first.credentialId] })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(prompts).toHaveLength(2);
  });

  it('answers NotAllowedError, not InvalidStateError, when the user declines', async () => {
    const { authenticator } = phone(['approve', 'deny']);
    const first = await authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams, residentKey: 'required' });
    await expect(authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams, excludeList: [first.credentialId] })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
  });

  it('reports an unusable algorithm before an excluded credential (§6.3.2 step 2 before step 3)', async () => {
    const { authenticator, prompts } = phone([]);
    const first = await authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams, residentKey: 'required' });
    await expect(authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams: [{ alg: -999 }], excludeList: [first.credentialId] })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    expect(prompts).toHaveLength(1);
  });
});

describe('makeCredential replacing a discoverable credential', () => {
  it('keeps the old credential when storing the new one fails (no half-written state)', async () => {
    const store = memoryCredentialStore();
    let failPut = false;
    const flaky: CredentialStore = {
      ...store,
      put(credential) {
        if (failPut) throw new HarnessError('STORE_FAILED', 'disk full');
        store.put(credential);
      },
    };
    const { authenticator } = phone([], flaky);
    const first = await authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams, residentKey: 'required' });
    failPut = true;
    await expect(authenticator.makeCredential({ rpId, clientDataHash, user, pubKeyCredParams, residentKey: 'required' })).rejects.toMatchObject({ code: 'STORE_FAILED' });
    expect(store.list().map((c) => c.id)).toEqual([first.credentialId]);
  });
});
