import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { memoryCredentialStore } from '../../../core/authenticator/credentials.js';
import { createClient } from '../../../core/client/createClient.js';
import { applySignal } from '../../../core/phone/applySignal.js';
import { parseSignal } from '../../../core/phone/parseSignal.js';

const origin = 'https://bank.example.jp';
const rpId = 'bank.example.jp';
const userId = Buffer.from('user-0001').toString('base64url');

async function phoneWithPasskey() {
  const store = memoryCredentialStore();
  const client = createClient({ authenticator: createAuthenticator({ seed: 'signals', credentials: store }), origin });
  const response = await client.create({
    rp: { name: 'Bank', id: rpId },
    user: { id: userId, name: 'taro', displayName: 'Taro' },
    challenge: Buffer.alloc(32, 7).toString('base64url'),
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    authenticatorSelection: { residentKey: 'required' },
  } as never);
  return { store, id: response.id };
}

describe('parseSignal (WebAuthn L3 §5.1.10)', () => {
  // WPT signal-*.https.html: an id or userId that does not base64url-decode is a TypeError.
  it('refuses ids and user ids that are not base64url', () => {
    expect(() => parseSignal({ signal: 'unknownCredential', rpId, credentialId: 'not base64!' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => parseSignal({ signal: 'allAcceptedCredentials', rpId, userId: 'a+b/', allAcceptedCredentialIds: [] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => parseSignal({ signal: 'allAcceptedCredentials', rpId, userId, allAcceptedCredentialIds: ['AAAA=='] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => parseSignal({ signal: 'currentUserDetails', rpId, userId: '$$', name: 'a', displayName: 'b' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('refuses a sparse accepted list rather than reading it as empty', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => parseSignal({ signal: 'allAcceptedCredentials', rpId, userId, allAcceptedCredentialIds: [, ,] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('refuses currentUserDetails without name or displayName (required members), rather than blanking them', () => {
    expect(() => parseSignal({ signal: 'currentUserDetails', rpId, userId })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => parseSignal({ signal: 'currentUserDetails', rpId, userId, name: 5, displayName: 'x' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(parseSignal({ signal: 'currentUserDetails', rpId, userId, name: '', displayName: 'Taro' })).toMatchObject({ name: '', displayName: 'Taro' });
  });
});

describe('applySignal', () => {
  it('refuses an accepted id that is not canonical base64url instead of deleting the passkey it names', async () => {
    const { store, id } = await phoneWithPasskey();
    // The RP's own id, in standard base64 with padding: the same bytes, another spelling.
    const misspelt = Buffer.from(id, 'base64url').toString('base64');
    expect(() => applySignal(store, { signal: 'allAcceptedCredentials', rpId, userId, allAcceptedCredentialIds: [misspelt] }, { origin })).toThrow(expect.objectContaining({ code: 'BASE64URL_INVALID' }));
    expect(store.list()).toHaveLength(1);
  });

  it('still drops a passkey missing from a well-formed accepted list', async () => {
    const { store } = await phoneWithPasskey();
    const result = applySignal(store, { signal: 'allAcceptedCredentials', rpId, userId, allAcceptedCredentialIds: [] }, { origin });
    expect(result.removed).toHaveLength(1);
    expect(store.list()).toHaveLength(0);
  });

  it('refuses a non-string rpId with SecurityError, not a TypeError', async () => {
    const { store } = await phoneWithPasskey();
    expect(() => applySignal(store, { signal: 'unknownCredential', rpId: 5 as never, credentialId: 'AAAA' }, { origin })).toThrow(expect.objectContaining({ code: 'SECURITY_ERROR' }));
  });
});
