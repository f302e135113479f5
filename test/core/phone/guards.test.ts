import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../../core/errors.js';
import { createPhone, parseSignal, type Phone } from '../../../core/phone/index.js';

// Signal API and phone guards whose removal no other test noticed (mutation testing).
const origin = 'https://bank.example.jp';
const rpId = 'bank.example.jp';
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const taroId = b64('user-taro');
const jiroId = b64('user-jiro');

function creation(userId: string, name: string, rp = rpId): Record<string, unknown> {
  return {
    rp: { name: 'Bank', id: rp },
    user: { id: userId, name, displayName: name },
    challenge: Buffer.alloc(32, 7).toString('base64url'),
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    authenticatorSelection: { residentKey: 'required' },
  };
}

/** taro and jiro at the bank, and taro (same user handle) at another RP, all on one phone. */
async function sharedPhone(): Promise<{ phone: Phone; taro: string; jiro: string; elsewhere: string }> {
  const phone = createPhone({ seed: 'signal-guards' });
  const taro = (await phone.create(creation(taroId, 'taro') as never, { origin })).id;
  const jiro = (await phone.create(creation(jiroId, 'jiro') as never, { origin })).id;
  const elsewhere = (await phone.create(creation(taroId, 'taro', 'shop.example') as never, { origin: 'https://shop.example' })).id;
  return { phone, taro, jiro, elsewhere };
}

const held = (phone: Phone) => phone.credentials().map((c) => c.credentialId).sort();

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof HarnessError ? error.code : `raw ${(error as Error)?.constructor?.name}`;
  }
}

describe('applySignal touches only the signalling RP’s credentials, and only that user’s (WebAuthn L3 §5.1.10)', () => {
  it('signalUnknownCredential from the bank cannot remove a credential of another RP', async () => {
    const { phone, taro, jiro, elsewhere } = await sharedPhone();
    expect(phone.signal({ signal: 'unknownCredential', rpId, credentialId: elsewhere }, { origin }).removed).toEqual([]);
    expect(held(phone)).toEqual([taro, jiro, elsewhere].sort());
  });

  it('signalAllAcceptedCredentials leaves other users’ and other RPs’ credentials alone', async () => {
    const { phone, taro, jiro, elsewhere } = await sharedPhone();
    expect(phone.signal({ signal: 'allAcceptedCredentials', rpId, userId: taroId, allAcceptedCredentialIds: [] }, { origin }).removed).toEqual([taro]);
    expect(held(phone)).toEqual([jiro, elsewhere].sort());
  });

  it('signalCurrentUserDetails renames only that user at that RP, and reports only credentials it changed', async () => {
    const { phone, taro } = await sharedPhone();
    const result = phone.signal({ signal: 'currentUserDetails', rpId, userId: taroId, name: 'taro.yamada', displayName: '山田 太郎' }, { origin });
    expect(result.updated).toEqual([taro]);
    expect(phone.credentials().map((c) => [c.rpId, c.userName]).sort()).toEqual([
      ['bank.example.jp', 'jiro'],
      ['bank.example.jp', 'taro.yamada'],
      ['shop.example', 'taro'],
    ]);
    // The same details again change nothing.
    expect(phone.signal({ signal: 'currentUserDetails', rpId, userId: taroId, name: 'taro.yamada', displayName: '山田 太郎' }, { origin }).updated).toEqual([]);
  });

  it('refuses an RP ID that does not fit the page’s origin (SecurityError) and changes nothing', async () => {
    const { phone, elsewhere } = await sharedPhone();
    expect(codeOf(() => phone.signal({ signal: 'unknownCredential', rpId: 'shop.example', credentialId: elsewhere }, { origin }))).toBe('SECURITY_ERROR');
    expect(phone.credentials()).toHaveLength(3);
  });

  it('refuses a malformed id before touching anything, even when called without parseSignal', async () => {
    const { phone } = await sharedPhone();
    expect(codeOf(() => phone.signal({ signal: 'unknownCredential', rpId, credentialId: 'not base64!' }, { origin }))).not.toBe('ok');
    expect(codeOf(() => phone.signal({ signal: 'allAcceptedCredentials', rpId, userId: 'a+b/', allAcceptedCredentialIds: [] }, { origin }))).not.toBe('ok');
    expect(codeOf(() => phone.signal({ signal: 'currentUserDetails', rpId, userId: 'a+b/', name: 'x', displayName: 'x' }, { origin }))).not.toBe('ok');
    expect(phone.credentials()).toHaveLength(3);
    expect(phone.signals).toEqual([]);
  });
});

describe('parseSignal bounds (untrusted page input)', () => {
  const long = 'a'.repeat(1025);
  it('refuses an empty or over-long rpId / id, a name over 1024 characters, and a list over 10 000 ids', () => {
    expect(codeOf(() => parseSignal({ signal: 'unknownCredential', rpId: '', credentialId: 'AAAA' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseSignal({ signal: 'unknownCredential', rpId: long, credentialId: 'AAAA' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseSignal({ signal: 'unknownCredential', rpId, credentialId: long }))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseSignal({ signal: 'currentUserDetails', rpId, userId: taroId, name: long, displayName: 'x' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseSignal({ signal: 'currentUserDetails', rpId, userId: taroId, name: 'x', displayName: 5 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseSignal({ signal: 'allAcceptedCredentials', rpId, userId: taroId, allAcceptedCredentialIds: Array(10_001).fill('AAAA') }))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseSignal({ signal: 'allAcceptedCredentials', rpId, userId: taroId, allAcceptedCredentialIds: Array(10_000).fill('AAAA') }))).toBe('ok');
    // An empty name is allowed (required DOMString, not non-empty).
    expect(codeOf(() => parseSignal({ signal: 'currentUserDetails', rpId, userId: taroId, name: '', displayName: '' }))).toBe('ok');
  });

  it('refuses an id that is not base64url', () => {
    expect(codeOf(() => parseSignal({ signal: 'unknownCredential', rpId, credentialId: 'a+b/' }))).toBe('INVALID_INPUT');
  });
});

describe('phone ceremonies', () => {
  it('needs the page origin for a ceremony', async () => {
    const phone = createPhone({ seed: 'origin-guard' });
    await expect(phone.create(creation(taroId, 'taro') as never, undefined as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(phone.create(creation(taroId, 'taro') as never, {} as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('a per-ceremony decision never outlives its ceremony, even one refused before the prompt', async () => {
    const phone = createPhone({ seed: 'one-shot' });
    await expect(phone.create(creation(taroId, 'taro', 'evil.example') as never, { origin, decision: 'deny' })).rejects.toMatchObject({ code: 'SECURITY_ERROR' });
    // A prompt a browser front end shows next (phone.decide) gets the default answer, not the stale 'deny'.
    expect(await phone.decide({ ceremony: 'get', rpId, userVerification: 'preferred', profile: phone.profile })).toBe('approve');
    await phone.create(creation(taroId, 'taro') as never, { origin });
    expect(phone.prompts.map((p) => p.decision)).toEqual(['approve', 'approve']);
  });
});
