import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../core/authenticator/createAuthenticator.js';
import type { LocalAuthRequest } from '../../../core/authenticator/localAuth.js';
import { createClient } from '../../../core/client/createClient.js';
import { HarnessError } from '../../../core/errors.js';
import { COSEAlg } from '../../../core/webauthn/cose.js';

// The RP is hostile: whatever JSON it sends, the client answers with a HarnessError (what a browser
// raises as TypeError is INVALID_INPUT), and what WebAuthn says to ignore is ignored.
const origin = 'https://bank.example.jp';
const b64 = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64url');

function creation(): Record<string, any> {
  return {
    rp: { name: 'Bank', id: 'bank.example.jp' },
    user: { id: b64(16), name: 'taro', displayName: 'Taro' },
    challenge: b64(32),
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    extensions: { credProps: true },
  };
}

function setup(profile = 'iphone-icloud') {
  const prompts: LocalAuthRequest[] = [];
  const authenticator = createAuthenticator({ profile, seed: `hostile-${profile}`, localAuth: async (r) => (prompts.push(r), 'approve') });
  return { authenticator, prompts, client: createClient({ authenticator, origin }) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof HarnessError ? error.code : `raw ${(error as Error)?.constructor?.name}`;
  }
}

const malformedCreation: [string, (o: Record<string, any>) => unknown][] = [
  ['options null', () => null],
  ['options a string', () => 'options'],
  ['options an array', () => []],
  ['rp missing', (o) => ({ ...o, rp: undefined })],
  ['rp null', (o) => ({ ...o, rp: null })],
  ['rp.name missing', (o) => ({ ...o, rp: { id: 'bank.example.jp' } })],
  ['user missing', (o) => ({ ...o, user: undefined })],
  ['user.name missing', (o) => ({ ...o, user: { id: b64(16), displayName: 'Taro' } })],
  ['user.name a number', (o) => ({ ...o, user: { ...o.user, name: 42 } })],
  ['user.displayName missing', (o) => ({ ...o, user: { id: b64(16), name: 'taro' } })],
  ['pubKeyCredParams missing', (o) => ({ ...o, pubKeyCredParams: undefined })],
  ['pubKeyCredParams an object', (o) => ({ ...o, pubKeyCredParams: { alg: -7 } })],
  ['pubKeyCredParams [null]', (o) => ({ ...o, pubKeyCredParams: [null] })],
  ['pubKeyCredParams entry without type', (o) => ({ ...o, pubKeyCredParams: [{ alg: -7 }] })],
  ['excludeCredentials an object', (o) => ({ ...o, excludeCredentials: {} })],
  ['excludeCredentials [null]', (o) => ({ ...o, excludeCredentials: [null] })],
  ['excludeCredentials transports a string', (o) => ({ ...o, excludeCredentials: [{ type: 'public-key', id: b64(16), transports: 'usb' }] })],
  ['authenticatorSelection a string', (o) => ({ ...o, authenticatorSelection: 'platform' })],
  ['extensions a string', (o) => ({ ...o, extensions: 'credProps' })],
];

describe('client: malformed options from a hostile RP', () => {
  for (const [name, mutate] of malformedCreation) {
    it(`create() refuses ${name} with INVALID_INPUT, never a raw TypeError, and stores nothing`, async () => {
      const { client, authenticator, prompts } = setup();
      expect(await codeOf(client.create(mutate(creation()) as never))).toBe('INVALID_INPUT');
      expect(authenticator.listCredentials()).toEqual([]);
      expect(prompts).toEqual([]);
    });
  }

  const malformedRequest: [string, unknown][] = [
    ['options null', null],
    ['allowCredentials an object', { challenge: b64(32), allowCredentials: {} }],
    ['allowCredentials [null]', { challenge: b64(32), allowCredentials: [null] }],
    ['an allowCredentials entry without type', { challenge: b64(32), allowCredentials: [{ id: b64(16) }] }],
  ];
  for (const [name, options] of malformedRequest) {
    it(`get() refuses ${name} with INVALID_INPUT`, async () => {
      const { client } = setup();
      expect(await codeOf(client.get(options as never))).toBe('INVALID_INPUT');
    });
  }

  it('refuses an rp.id / rpId that is not a string with SecurityError, never a raw TypeError', async () => {
    const { client } = setup();
    expect(await codeOf(client.create({ ...creation(), rp: { name: 'Bank', id: 5 } } as never))).toBe('SECURITY_ERROR');
    // WPT createcredential-badargs-rp: rp.id null is a SecurityError.
    expect(await codeOf(client.create({ ...creation(), rp: { name: 'Bank', id: null } } as never))).toBe('SECURITY_ERROR');
    expect(await codeOf(client.get({ challenge: b64(32), rpId: ['bank.example.jp'] } as never))).toBe('SECURITY_ERROR');
  });

  it('hands the authenticator U+FFFD for a lone surrogate in user.name (it speaks UTF-8)', async () => {
    const { client, authenticator } = setup();
    await client.create({ ...creation(), user: { id: b64(16), name: 'ta\ud800ro', displayName: '\udc00' } } as never);
    expect(authenticator.listCredentials()[0]).toMatchObject({ userName: 'ta\ufffdro', userDisplayName: '\ufffd' });
  });
});

describe('client: pubKeyCredParams (WebAuthn §5.1.3 step 10)', () => {
  it('treats an empty list as ES256 and RS256', async () => {
    const { client } = setup();
    const response = await client.create({ ...creation(), pubKeyCredParams: [] } as never);
    expect(response.response.publicKeyAlgorithm).toBe(COSEAlg.ES256);
  });

  it('skips entries of a type it does not know; none left is NotSupportedError', async () => {
    const { client, authenticator } = setup();
    expect(await codeOf(client.create({ ...creation(), pubKeyCredParams: [{ type: 'password', alg: -7 }] } as never))).toBe('NOT_SUPPORTED');
    expect(authenticator.listCredentials()).toEqual([]);
  });
});

describe('client: unknown enum values are ignored, as if absent (WebAuthn §5.4)', () => {
  it('ignores an unknown authenticatorAttachment (§5.4.4)', async () => {
    const { client } = setup();
    await expect(client.create({ ...creation(), authenticatorSelection: { authenticatorAttachment: 'bluetooth-toaster' } } as never)).resolves.toMatchObject({ type: 'public-key' });
  });

  it('an unknown residentKey falls back to requireResidentKey (§5.4.4)', async () => {
    const { client } = setup('yubikey-5');
    const loose = await client.create({ ...creation(), authenticatorSelection: { residentKey: 'maybe' } } as never);
    expect(loose.clientExtensionResults.credProps).toEqual({ rk: false });
    const required = await client.create({ ...creation(), user: { id: b64(16, 2), name: 'jiro', displayName: 'Jiro' }, authenticatorSelection: { residentKey: 'maybe', requireResidentKey: true } } as never);
    expect(required.clientExtensionResults.credProps).toEqual({ rk: true });
  });

  it('an unknown userVerification reaches the prompt as "preferred" (§5.8.6)', async () => {
    const { client, prompts } = setup();
    await client.create({ ...creation(), authenticatorSelection: { userVerification: 'sometimes' } } as never);
    await client.get({ challenge: b64(32), userVerification: 7 } as never);
    expect(prompts.map((p) => p.userVerification)).toEqual(['preferred', 'preferred']);
  });
});

describe('client: credential descriptors of an unknown type are ignored (WebAuthn §5.10.3)', () => {
  it('does not treat an excluded id of an unknown type as excluded', async () => {
    const { client } = setup();
    const first = await client.create(creation() as never);
    const again = { ...creation(), user: { id: b64(16, 3), name: 'saburo', displayName: 'Saburo' }, excludeCredentials: [{ type: 'not-a-public-key', id: first.id }] };
    await expect(client.create(again as never)).resolves.toMatchObject({ type: 'public-key' });
  });

  it('an allowCredentials list of unknown types only matches nothing: NotAllowedError, never a discoverable login', async () => {
    const { client, prompts } = setup();
    const first = await client.create(creation() as never);
    prompts.length = 0;
    await expect(client.get({ challenge: b64(32), allowCredentials: [{ type: 'not-a-public-key', id: first.id }] } as never)).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    expect(prompts).toEqual([]);
  });
});
