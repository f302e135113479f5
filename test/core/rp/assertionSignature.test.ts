import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { publicKeyFor, verifyAssertionSignature } from '../../../core/rp/authentication/verifyAssertionSignature.js';
import type { RpContext } from '../../../core/rp/context.js';
import { derChildren, derRead, derTlv, fromBase64url, parseClientDataJSON, toBase64url, type AuthenticationResponseJSON } from '../../../core/webauthn/index.js';
import { codeOf, loginAndStepUp, ORIGIN, phone, RP_ID, seedCustomer, setup } from './support.js';

/**
 * finishLogin verifies assertion signatures with node:crypto and a cached KeyObject instead of
 * @simplewebauthn/server's verifyAuthenticationResponse. Differential proof that no check was lost:
 * for each algorithm, the same assertion with its signature damaged in many ways (bit flips,
 * truncations, extensions, DER re-encodings of r and s) is accepted by ours exactly when the library
 * accepts it — except extra DER around an ECDSA signature's r and s, which only ours refuses.
 */
async function enrolled(alg: -7 | -8 | -257) {
  const env = setup();
  seedCustomer(env);
  const sessionId = await loginAndStepUp(env);
  const { client } = phone(env, { profile: 'yubikey-5' });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, attestation: 'none' });
  const response = await client.create({ ...options, pubKeyCredParams: options.pubKeyCredParams.filter((p) => p.alg === alg) });
  const { passkey } = await env.rp.finishRegistration({ sessionId, ceremonyId, response });
  const row = env.store.passkeys.byId(passkey.passkeyId)!;
  expect(row.alg).toBe(alg);
  const login = await env.rp.startLogin({ loginId: 'yamada' });
  const assertion = (await client.get(login.options)) as AuthenticationResponseJSON;
  const ctx = { store: env.store, origins: [ORIGIN], rpId: RP_ID } as unknown as RpContext;
  return { env, client, row, ctx, assertion, challenge: login.options.challenge, ceremonyId: login.ceremonyId };
}

type Fixture = Awaited<ReturnType<typeof enrolled>>;

async function oursAccepts(f: Fixture, signature: Uint8Array): Promise<boolean> {
  const inner = f.assertion.response;
  const clientDataJSON = fromBase64url(inner.clientDataJSON);
  try {
    await verifyAssertionSignature(f.ctx, {
      passkey: f.row,
      clientData: parseClientDataJSON(clientDataJSON),
      clientDataJSON,
      authData: fromBase64url(inner.authenticatorData),
      signature,
      response: { ...f.assertion, response: { ...inner, signature: toBase64url(signature) } },
      challenge: f.challenge,
      requireUserVerification: false,
    });
    return true;
  } catch (error) {
    expect((error as { code?: string }).code).toBe('SIGNATURE_INVALID');
    return false;
  }
}

async function libraryAccepts(f: Fixture, signature: Uint8Array): Promise<boolean> {
  try {
    const result = await verifyAuthenticationResponse({
      response: { ...f.assertion, response: { ...f.assertion.response, signature: toBase64url(signature) } } as never,
      expectedChallenge: f.challenge,
      expectedOrigin: [ORIGIN],
      expectedRPID: RP_ID,
      requireUserVerification: false,
      credential: { id: f.row.credentialId, publicKey: f.row.publicKey.slice(), counter: 0 },
    });
    return result.verified;
  } catch {
    return false;
  }
}

/** DER re-encodings of an ECDSA signature's r and s that the library's normaliser treats in different ways. */
function derVariants(signature: Uint8Array): Uint8Array[] {
  const [r, s] = derChildren(derRead(signature)).map((n) => n.value) as [Uint8Array, Uint8Array];
  const seq = (...ints: Uint8Array[]) => derTlv(0x30, ...ints.map((v) => derTlv(0x02, v)));
  const strip = (v: Uint8Array) => (v[0] === 0 && v.length > 1 ? v.subarray(1) : v);
  const pad = (v: Uint8Array, n: number) => Uint8Array.from([...new Array<number>(n).fill(0), ...v]);
  return [
    seq(strip(r), strip(s)), // "negative" 32-byte integers: the library normalises them
    seq(pad(strip(r), 1), s), // 0x00 before a byte without the high bit: refused
    seq(pad(strip(r), 2), s), // 34 bytes: refused
    seq(strip(r).subarray(1), s), // 31 bytes, a different value: padded, fails
    seq(r, s, s), // three integers
    seq(s, r), // swapped
    Uint8Array.from([...signature, 0]), // a byte after the SEQUENCE
    derTlv(0x31, ...[r, s].map((v) => derTlv(0x02, v))), // SET instead of SEQUENCE
    derTlv(0x30, derTlv(0x02, r), derTlv(0x04, s)), // OCTET STRING for s
  ];
}

/**
 * Anything beyond SEQUENCE { INTEGER r, INTEGER s }: bytes after the SEQUENCE or a third element in it.
 * The library's ASN.1 parser ignores them (the same assertion then has many signature encodings);
 * ours refuses them. The one place ours is stricter, by design.
 */
function extraDer(candidate: Uint8Array, alg: number): boolean {
  if (alg !== -7) return false;
  try {
    const seq = derRead(candidate);
    if (seq.end < candidate.length) return true;
    const parts = derChildren(seq);
    return parts.length > 2 && parts[0]!.tag === 0x02 && parts[1]!.tag === 0x02;
  } catch {
    return false;
  }
}

function mutations(signature: Uint8Array, alg: number): Uint8Array[] {
  const out: Uint8Array[] = [signature];
  for (let i = 0; i < signature.length; i += Math.max(1, Math.floor(signature.length / 24))) {
    const flipped = signature.slice();
    flipped[i] = flipped[i]! ^ (0x01 << (i % 8));
    out.push(flipped);
  }
  for (const n of [0, 1, 8, signature.length - 1]) out.push(signature.slice(0, n));
  out.push(Uint8Array.from([...signature, 0x00]));
  if (alg === -7) out.push(...derVariants(signature));
  return out;
}

describe('assertion signatures: node:crypto with a cached key agrees with @simplewebauthn/server', () => {
  for (const alg of [-7, -8, -257] as const) {
    it(`alg ${alg}: every damaged signature is accepted by ours exactly when the library accepts it`, async () => {
      const f = await enrolled(alg);
      const signature = fromBase64url(f.assertion.response.signature);
      const verdicts: string[] = [];
      for (const [i, candidate] of mutations(signature, alg).entries()) {
        const [ours, lib] = [await oursAccepts(f, candidate), await libraryAccepts(f, candidate)];
        verdicts.push(`${i}:${lib ? 'ok' : 'no'}`);
        const expected = extraDer(candidate, alg) ? false : lib;
        expect(ours, `mutation ${i} (${toBase64url(candidate)}): library ${lib ? 'accepts' : 'refuses'}`).toBe(expected);
      }
      // The corpus is not trivially all-refused: the original (and, for ES256, the normalised re-encoding) verifies.
      expect(verdicts[0]).toBe('0:ok');
      f.env.store.close();
    });
  }

  it('a tokenBinding of the wrong shape is refused (finishLogin, before any credential is looked up), as the library refuses it', async () => {
    const f = await enrolled(-7);
    const inner = f.assertion.response;
    const clientData = { ...parseClientDataJSON(fromBase64url(inner.clientDataJSON)), tokenBinding: { status: 'bogus' } };
    const tampered = { ...f.assertion, response: { ...inner, clientDataJSON: toBase64url(new TextEncoder().encode(JSON.stringify(clientData))) } };
    await expect(verifyAuthenticationResponse({ response: tampered as never, expectedChallenge: f.challenge, expectedOrigin: [ORIGIN], expectedRPID: RP_ID, credential: { id: f.row.credentialId, publicKey: f.row.publicKey.slice(), counter: 0 } })).rejects.toThrow();
    expect(await codeOf(f.env.rp.finishLogin({ ceremonyId: f.ceremonyId, response: tampered }))).toBe('CLIENTDATA_MALFORMED');
    f.env.store.close();
  });

  it('the cache never serves a stale key: a row id whose key bytes changed is imported again', async () => {
    const f = await enrolled(-7);
    const first = (await publicKeyFor(f.ctx, f.row))!;
    expect(await publicKeyFor(f.ctx, f.row)).toBe(first);
    const other = await enrolled(-8);
    // Same id, another credential's key (a reused row id after a delete, or a replaced key).
    const swapped = (await publicKeyFor(f.ctx, { id: f.row.id, publicKey: other.row.publicKey }))!;
    expect(swapped).not.toBe(first);
    expect(swapped.alg).toBe(-8);
    other.env.store.close();
    f.env.store.close();
  });

  it('a revoked passkey whose key is cached is still refused (PASSKEY_REVOKED), and a good login works before it', async () => {
    const f = await enrolled(-7);
    const s = await f.env.rp.startLogin({ loginId: 'yamada' });
    expect(await codeOf(f.env.rp.finishLogin({ ceremonyId: s.ceremonyId, response: await f.client.get(s.options) }))).toBe('NO_ERROR');
    f.env.rp.admin.createAdmin({ name: 'op', role: 'operator' });
    f.env.rp.admin.revokePasskey({ admin: 'op', passkeyId: f.row.id, reason: 'lost', ticket: 'T-1' });
    const t = await f.env.rp.startLogin();
    expect(await codeOf(f.env.rp.finishLogin({ ceremonyId: t.ceremonyId, response: await f.client.get(t.options) }))).toBe('PASSKEY_REVOKED');
    f.env.store.close();
  });
});
