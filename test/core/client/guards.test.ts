import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import { builtInProfiles } from '../../../core/authenticator/profiles.js';
import type { LocalAuthRequest } from '../../../core/authenticator/localAuth.js';
import { checkRpId } from '../../../core/client/checkRpId.js';
import { createClient } from '../../../core/client/createClient.js';
import { HarnessError } from '../../../core/errors.js';

// Guards of the browser side whose removal no other test noticed (mutation testing); each names the rule it pins.
const origin = 'https://bank.example.jp';
const b64 = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64url');

// Hostile or odd JSON on purpose: typed loosely like the RP's wire format.
function creation(): any {
  return {
    rp: { name: 'Bank', id: 'bank.example.jp' },
    user: { id: b64(16), name: 'taro', displayName: 'Taro' },
    challenge: b64(32),
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  };
}

function setup(profile = 'iphone-icloud', clientOrigin = origin) {
  const prompts: LocalAuthRequest[] = [];
  const authenticator = createAuthenticator({ profile, seed: `guards-${profile}`, localAuth: async (r) => (prompts.push(r), 'approve') });
  return { authenticator, prompts, client: createClient({ authenticator, origin: clientOrigin }) };
}

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof HarnessError ? error.code : `raw ${(error as Error)?.constructor?.name}`;
  }
}

async function asyncCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof HarnessError ? error.code : `raw ${(error as Error)?.constructor?.name}`;
  }
}

describe('client guards: origin and RP ID (WebAuthn §5.1.3 steps 7–8)', () => {
  it('refuses an RP ID that is only a string suffix of the host, not a label suffix (bank.example for evilbank.example)', async () => {
    expect(codeOf(() => checkRpId('https://evilbank.example', 'bank.example'))).toBe('SECURITY_ERROR');
    const { client, authenticator } = setup('iphone-icloud', 'https://evilbank.example.jp');
    expect(await asyncCodeOf(client.create(creation()))).toBe('SECURITY_ERROR');
    expect(authenticator.listCredentials()).toEqual([]);
  });

  // §5.1.3 step 7: the effective domain itself must be a valid domain, whatever RP ID is claimed for it.
  it('refuses an origin whose host is not a valid domain even when the RP ID is a valid suffix of it', () => {
    expect(codeOf(() => checkRpId('https://x..bank.example.jp', 'bank.example.jp'))).toBe('SECURITY_ERROR');
    expect(codeOf(() => checkRpId('https://1.2.3.4', '3.4'))).toBe('SECURITY_ERROR');
  });

  // URL Standard "valid domain" (domain to ASCII with VerifyDnsLength): at most 253 characters.
  it('refuses a host or RP ID longer than 253 characters', () => {
    const label = 'a'.repeat(63);
    const long = `${label}.${label}.${label}.${label}.example`; // 4·64 + 7 = 263
    expect(new URL(`https://${long}`).hostname).toBe(long);
    expect(codeOf(() => checkRpId(`https://${long}`, undefined))).toBe('SECURITY_ERROR');
    expect(codeOf(() => checkRpId(`https://${long}`, long))).toBe('SECURITY_ERROR');
    // 63-character labels are fine while the whole name fits.
    expect(checkRpId(`https://${label}.example`, undefined)).toBe(`${label}.example`);
  });

  it('takes only a bare origin: a path, query or trailing slash is refused (clientDataJSON.origin is a serialised origin)', () => {
    const authenticator = createAuthenticator({ seed: 'guards-origin' });
    for (const bad of ['https://bank.example.jp/', 'https://bank.example.jp/login', 'https://bank.example.jp?x=1', 'https://bank.example.jp:443']) {
      expect(codeOf(() => createClient({ authenticator, origin: bad }))).toBe('SECURITY_ERROR');
    }
    expect(codeOf(() => createClient({ authenticator, origin: 'https://bank.example.jp:8443' }))).toBe('ok');
  });

  // W3C Secure Contexts §3.1: *.localhost is potentially trustworthy like localhost itself.
  it('treats http on a subdomain of localhost as a secure context', async () => {
    const { client } = setup('iphone-icloud', 'http://app.localhost:3000');
    const response = await client.create({ ...creation(), rp: { name: 'Dev', id: 'app.localhost' } });
    expect(JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString()).origin).toBe('http://app.localhost:3000');
    expect(codeOf(() => createClient({ authenticator: createAuthenticator(), origin: 'http://applocalhost:3000' }))).toBe('SECURITY_ERROR');
  });
});

describe('client guards: reading the creation options (WebAuthn §5.1.3)', () => {
  // §5.1.3 step 5 (user.id 1–64 bytes, TypeError) comes before the RP ID checks of step 8.
  it('refuses a user.id of 0 or 65 bytes as a TypeError before judging the RP ID', async () => {
    const { client, prompts } = setup();
    for (const id of ['', b64(65)]) {
      expect(await asyncCodeOf(client.create({ ...creation(), user: { id, name: 'taro', displayName: 'Taro' }, rp: { name: 'Evil', id: 'evil.example' } }))).toBe('INVALID_INPUT');
    }
    expect(await asyncCodeOf(client.create({ ...creation(), user: { id: b64(64), name: 'taro', displayName: 'Taro' } }))).toBe('ok');
    expect(prompts).toHaveLength(1);
  });

  // §5.1.3 step 20: an authenticator of the other attachment is skipped, so no prompt, and the ceremony ends in NotAllowedError.
  it('does not use a platform phone when the RP asks for a cross-platform authenticator (and vice versa)', async () => {
    const phone = setup('iphone-icloud');
    const key = setup('yubikey-5');
    expect(await asyncCodeOf(phone.client.create({ ...creation(), authenticatorSelection: { authenticatorAttachment: 'cross-platform' } }))).toBe('NOT_ALLOWED');
    expect(await asyncCodeOf(key.client.create({ ...creation(), authenticatorSelection: { authenticatorAttachment: 'platform' } }))).toBe('NOT_ALLOWED');
    expect([...phone.prompts, ...key.prompts]).toEqual([]);
    expect([...phone.authenticator.listCredentials(), ...key.authenticator.listCredentials()]).toEqual([]);
    expect(await asyncCodeOf(key.client.create({ ...creation(), authenticatorSelection: { authenticatorAttachment: 'cross-platform' } }))).toBe('ok');
  });

  // §5.1.3 step 20 too: an authenticator that cannot store a discoverable credential is skipped when the RP requires one.
  it('does not use a key without discoverable credentials when the RP requires one: NotAllowedError, no prompt', async () => {
    const prompts: LocalAuthRequest[] = [];
    const authenticator = createAuthenticator({ profile: { ...builtInProfiles['yubikey-5']!, id: 'u2f-only', label: 'U2F-only key', residentKey: false }, seed: 'no-rk', localAuth: async (r) => (prompts.push(r), 'approve') });
    const client = createClient({ authenticator, origin });
    expect(await asyncCodeOf(client.create({ ...creation(), authenticatorSelection: { residentKey: 'required' } }))).toBe('NOT_ALLOWED');
    expect(await asyncCodeOf(client.create({ ...creation(), authenticatorSelection: { requireResidentKey: true } }))).toBe('NOT_ALLOWED');
    expect(prompts).toEqual([]);
    expect(await asyncCodeOf(client.create({ ...creation(), authenticatorSelection: { residentKey: 'preferred' } }))).toBe('ok');
  });

  // Web IDL: PublicKeyCredentialParameters.alg is a required member; an entry without one is a TypeError, not an unusable entry.
  it('refuses a pubKeyCredParams entry without an integer alg instead of skipping it', async () => {
    const { client, prompts } = setup();
    for (const bad of [{ type: 'public-key' }, { type: 'public-key', alg: 'ES256' }, { type: 'public-key', alg: -7.5 }] as unknown[]) {
      expect(await asyncCodeOf(client.create({ ...creation(), pubKeyCredParams: [bad, { type: 'public-key', alg: -7 }] }))).toBe('INVALID_INPUT');
    }
    expect(prompts).toEqual([]);
  });

  // §10.1.3: credProps is a client extension output only when the RP asked for it.
  it('reports credProps only when the RP requested the extension', async () => {
    const { client } = setup();
    expect((await client.create(creation())).clientExtensionResults).toEqual({});
    expect((await client.create({ ...creation(), user: { id: b64(16, 2), name: 'jiro', displayName: 'Jiro' }, extensions: { credProps: true } })).clientExtensionResults).toEqual({ credProps: { rk: true } });
  });

  it('treats credProps: false as not requested', async () => {
    const { client } = setup();
    expect((await client.create({ ...creation(), extensions: { credProps: false } })).clientExtensionResults).toEqual({});
  });

  // §5.8.4: unknown transport values are ignored, but the harness refuses a member that is not a string at all.
  it('refuses an excludeCredentials transport that is not a string, and ignores an unknown string', async () => {
    const { client } = setup();
    const exclude = (transports: unknown[]) => ({ ...creation(), excludeCredentials: [{ type: 'public-key', id: b64(16, 9), transports }] });
    expect(await asyncCodeOf(client.create(exclude([5])))).toBe('INVALID_INPUT');
    expect(await asyncCodeOf(client.create(exclude(['usb', 'carrier-pigeon'])))).toBe('ok');
  });

  // §5.1.3 step 10 throws NotSupportedError before any authenticator is chosen (step 20 is where attachment counts).
  it('answers NotSupportedError for no usable credential type even when the attachment does not match either', async () => {
    const { client } = setup('iphone-icloud');
    const options = { ...creation(), pubKeyCredParams: [{ type: 'password', alg: -7 }], authenticatorSelection: { authenticatorAttachment: 'cross-platform' } };
    expect(await asyncCodeOf(client.create(options))).toBe('NOT_SUPPORTED');
  });

  // §5.8.1: a cross-origin iframe's clientDataJSON says crossOrigin: true and names the top-level origin.
  it('puts crossOrigin and topOrigin in clientDataJSON for a client in a cross-origin iframe', async () => {
    const authenticator = createAuthenticator({ seed: 'guards-iframe' });
    const client = createClient({ authenticator, origin, topOrigin: 'https://shop.example' });
    const clientData = JSON.parse(Buffer.from((await client.create(creation())).response.clientDataJSON, 'base64url').toString());
    expect(clientData).toMatchObject({ type: 'webauthn.create', origin, crossOrigin: true, topOrigin: 'https://shop.example' });
  });
});

describe('client guards: challenge (parseCreationOptionsFromJSON / parseRequestOptionsFromJSON)', () => {
  // The decoder's code (what a browser raises as TypeError), as for every other base64url member.
  it('refuses a challenge that is missing or not base64url, in create() and get(), before any prompt', async () => {
    const { client, prompts } = setup();
    await client.create(creation());
    for (const challenge of [undefined, 42, 'not base64url!', 'aGk=']) {
      expect(await asyncCodeOf(client.create({ ...creation(), challenge }))).toBe('BASE64URL_INVALID');
      expect(await asyncCodeOf(client.get({ challenge, rpId: 'bank.example.jp' } as never))).toBe('BASE64URL_INVALID');
    }
    expect(prompts).toHaveLength(1);
  });
});
