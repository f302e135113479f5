import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { decodeAttestationObject, encodeAttestationObject } from '../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../core/webauthn/authData.js';
import { fromBase64url, toBase64url } from '../../core/webauthn/base64url.js';
import { encodeCbor, type CborKey, type CborValue } from '../../core/webauthn/cbor.js';
import { isHarnessError } from '../../core/errors.js';
import { loginAndStepUp, ORIGIN, RP_ID, phone, seedCustomer, setup, type Env } from '../core/rp/support.js';

/**
 * Credential public keys with no private key behind them, found by a hostile-client probe: each was
 * registered (fmt none needs no attestation signature), and then anyone who knew the login ID could
 * sign in with a forged assertion. The RP refuses them at registration, and keys carrying private or
 * unknown members; an assertion carrying attested credential data is refused at login.
 */
const sha = (b: Uint8Array | string) => new Uint8Array(createHash('sha256').update(b).digest());
const cose = (entries: [CborKey, CborValue][]) => encodeCbor(new Map<CborKey, CborValue>(entries));
const le = (x: bigint) => {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++, x >>= 8n) b[i] = Number(x & 0xffn);
  return b;
};
const P = (1n << 255n) - 19n;

const outcome = async (run: Promise<unknown>) => {
  try {
    await run;
    return 'ACCEPTED';
  } catch (error) {
    if (!isHarnessError(error)) throw error;
    return error.code;
  }
};

function fresh(): Env {
  const env = setup();
  seedCustomer(env);
  return env;
}

/** A genuine registration from a software phone, with its credential ID and key replaced (fmt none). */
async function register(env: Env, key: Uint8Array, credentialId: Uint8Array): Promise<string> {
  const sessionId = await loginAndStepUp(env);
  const { client } = phone(env);
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId });
  const genuine = await client.create(options);
  const parsed = parseAuthenticatorData(decodeAttestationObject(fromBase64url(genuine.response.attestationObject)).authData);
  const authData = buildAuthenticatorData({
    rpIdHash: parsed.rpIdHash,
    flags: parsed.flags,
    signCount: parsed.signCount,
    attestedCredentialData: { aaguid: parsed.attestedCredentialData!.aaguid, credentialId, credentialPublicKey: key },
  });
  const response = { ...genuine, id: toBase64url(credentialId), rawId: toBase64url(credentialId), response: { ...genuine.response, attestationObject: toBase64url(encodeAttestationObject({ fmt: 'none', attStmt: new Map(), authData })) } };
  return outcome(env.rp.finishRegistration({ sessionId, ceremonyId, response }));
}

/** A hand-made assertion for `credentialId`: authData = rpIdHash, flags, counter, then `tail`. */
async function logIn(env: Env, credentialId: Uint8Array, sign: (data: Uint8Array) => Uint8Array, opts: { flags?: number; tail?: Uint8Array } = {}): Promise<string> {
  const { ceremonyId, options } = await env.rp.startLogin({ loginId: 'yamada' });
  const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: ORIGIN, crossOrigin: false }));
  const head = new Uint8Array(37);
  head.set(sha(RP_ID));
  // UP, UV and BE: the software phone's passkeys are backup eligible, and BE must not change at login.
  head[32] = opts.flags ?? 0x0d;
  new DataView(head.buffer).setUint32(33, 1);
  const authData = Uint8Array.from([...head, ...(opts.tail ?? [])]);
  const signature = sign(Uint8Array.from([...authData, ...sha(clientDataJSON)]));
  const userHandle = toBase64url(env.store.accounts.byLoginId('yamada')!.userHandle);
  const response = { id: toBase64url(credentialId), rawId: toBase64url(credentialId), type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: toBase64url(clientDataJSON), authenticatorData: toBase64url(authData), signature: toBase64url(signature), userHandle } };
  return outcome(env.rp.finishLogin({ ceremonyId, response } as never));
}

const stored = (env: Env) => env.store.passkeys.listForAccount(1, { includeRevoked: true }).length;

describe('keys no one holds a private key for are refused at registration', () => {
  it('Ed25519 points of small order, and a real key plus a small-order component (COSE_INVALID, nothing stored)', async () => {
    const real = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
    const order4 = ed25519.Point.fromBytes(le(0n));
    const mixed = ed25519.Point.fromBytes(real).add(order4).toBytes();
    const cases: Record<string, Uint8Array> = { 'order 2': le(P - 1n), 'order 4': le(0n), 'order 4, sign bit': Uint8Array.from([...le(0n).subarray(0, 31), 0x80]), 'real + order 4': mixed };
    for (const [name, x] of Object.entries(cases)) {
      const env = fresh();
      expect(await register(env, cose([[1, 1], [3, -8], [-1, 6], [-2, x]]), sha(name)), name).toBe('COSE_INVALID');
      expect(stored(env), name).toBe(0);
    }
    // Control: the real key alone is a passkey.
    const env = fresh();
    expect(await register(env, cose([[1, 1], [3, -8], [-1, 6], [-2, real]]), sha('real'))).toBe('ACCEPTED');
  });

  it('an RSA key with public exponent 1: the forged login it allowed never gets that far', async () => {
    const env = fresh();
    const n = new Uint8Array(256).fill(0xff);
    const credentialId = sha('rsa-e1');
    expect(await register(env, cose([[1, 3], [3, -257], [-1, n], [-2, Uint8Array.of(1)]]), credentialId)).toBe('COSE_INVALID');
    expect(stored(env)).toBe(0);
    // With e = 1 the signature is the PKCS#1 v1.5 encoding of the hash itself: no key needed.
    const forge = (data: Uint8Array) => {
      const digestInfo = Uint8Array.from([...Buffer.from('3031300d060960864801650304020105000420', 'hex'), ...sha(data)]);
      const em = new Uint8Array(256).fill(0xff, 2);
      em[0] = 0;
      em[1] = 1;
      em[255 - digestInfo.length] = 0;
      em.set(digestInfo, 256 - digestInfo.length);
      return em;
    };
    // Nothing was stored, so the forged assertion names no passkey (answered like any failed signature).
    expect(await logIn(env, credentialId, forge)).not.toBe('ACCEPTED');
  });

  it('an EC2 key carrying its private scalar (d, -4) or an unknown member (COSE_INVALID)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = publicKey.export({ format: 'jwk' });
    const base: [CborKey, CborValue][] = [[1, 2], [3, -7], [-1, 1], [-2, fromBase64url(jwk.x!)], [-3, fromBase64url(jwk.y!)]];
    const d = fromBase64url(privateKey.export({ format: 'jwk' }).d!);
    for (const [name, extra] of [['d', [-4, d]], ['label 99', [99, 'junk']], ['label -70000', [-70000, new Uint8Array(14_000)]]] as [string, [CborKey, CborValue]][]) {
      const env = fresh();
      expect(await register(env, cose([...base, extra]), sha(name)), name).toBe('COSE_INVALID');
      expect(stored(env), name).toBe(0);
    }
    // Control: kid (2) is a COSE common parameter a key may carry.
    expect(await register(fresh(), cose([...base, [2, Uint8Array.of(1, 2)]]), sha('kid'))).toBe('ACCEPTED');
  });
});

describe('an assertion is not a registration', () => {
  it('refuses an assertion with AT set and attested credential data (another key), signed by the real key', async () => {
    const env = fresh();
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = publicKey.export({ format: 'jwk' });
    const key = cose([[1, 2], [3, -7], [-1, 1], [-2, fromBase64url(jwk.x!)], [-3, fromBase64url(jwk.y!)]]);
    const credentialId = sha('at-at-login');
    expect(await register(env, key, credentialId)).toBe('ACCEPTED');
    const sign = (data: Uint8Array) => new Uint8Array(nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'der' }));
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'jwk' });
    const otherKey = cose([[1, 2], [3, -7], [-1, 1], [-2, fromBase64url(other.x!)], [-3, fromBase64url(other.y!)]]);
    const attested = Uint8Array.from([...new Uint8Array(16), 0, credentialId.length, ...credentialId, ...otherKey]);
    expect(await logIn(env, credentialId, sign, { flags: 0x4d, tail: attested })).toBe('AUTHDATA_FLAGS_INCONSISTENT');
    // Control: the same key, a plain assertion.
    expect(await logIn(env, credentialId, sign)).toBe('ACCEPTED');
  });
});
