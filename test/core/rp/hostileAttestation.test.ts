// @peculiar/x509 needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { KeyObject, sign, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { seededRandom } from '../../../core/random.js';
import { createRelyingParty, type RpPolicy } from '../../../core/rp/index.js';
import { openStore } from '../../../core/store/openStore.js';
import { decodeAttestationObject, encodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { fromBase64url, toBase64url } from '../../../core/webauthn/base64url.js';
import type { CborKey, CborValue } from '../../../core/webauthn/cbor.js';
import { concatBytes } from '../../../core/webauthn/index.js';
import { sha256 } from '../../../core/webauthn/hash.js';
import type { RegistrationResponseJSON } from '../../../core/webauthn/types.js';
import { codeOf, loginAndStepUp, ORIGIN, phone, RP_ID, seedCustomer, type Env } from './support.js';

/**
 * Attestation statements a hostile client builds itself (WebAuthn §8.2, §8.6): its own CA, its own
 * certificates, statements that are internally inconsistent. Each is signed correctly over the right
 * data, so only the inconsistency can be the reason for a refusal; a control shows the same
 * construction without the flaw is accepted.
 */
x509.cryptoProvider.set(webcrypto as never);
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const subtle = webcrypto.subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const OID_AAGUID = '1.3.6.1.4.1.45724.1.1.4';
const AAGUID_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const AAGUID_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

const uuidBytes = (u: string) => Uint8Array.from(Buffer.from(u.replace(/-/g, ''), 'hex'));
const aaguidExtension = (aaguid: string, critical = false) => new x509.Extension(OID_AAGUID, critical, concatBytes(Uint8Array.of(0x04, 0x10), uuidBytes(aaguid)));
let serial = 1;

async function issue(opts: { subject: string; issuer?: Issued; ca: boolean; extensions?: x509.Extension[] }): Promise<Issued> {
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const common = {
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    // Valid at the RP's clock (ManualClock, 2026-01-01) and at the process clock the library walks with.
    notBefore: new Date(Date.UTC(2025, 0, 1)),
    notAfter: new Date(Date.now() + 365 * 24 * 3600_000),
    signingAlgorithm: SIGNING,
    extensions: [new x509.BasicConstraintsExtension(opts.ca, undefined, true), ...(opts.extensions ?? [])],
  };
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({ ...common, subject: opts.subject, issuer: opts.issuer.cert.subject, publicKey: keys.publicKey, signingKey: opts.issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: opts.subject, keys });
  return { cert, keys };
}

const LEAF = (cn: string) => `C=JP, O=Hostile Tester, OU=Authenticator Attestation, CN=${cn}`;

async function hostileCa() {
  const root = await issue({ subject: 'C=JP, O=Hostile Tester, CN=Hostile Root', ca: true });
  return { root, rootPem: root.cert.toString('pem') };
}

function setupTrusting(rootPem: string, policy: Partial<RpPolicy> = {}): Env {
  const clock = new ManualClock();
  const store = openStore({ path: ':memory:' });
  const rp = createRelyingParty({ store, rpId: RP_ID, rpName: 'YM証券', origins: [ORIGIN], clock, random: seededRandom('hostile-attestation'), policy: { scryptCost: 1024, ...policy }, trust: { attestationRoots: [rootPem] } });
  return { clock, store, rp };
}

/** A genuine none registration (its clientDataJSON and credential), re-attested by `signer` with x5c `chain`. */
async function attested(env: Env, build: (authData: Uint8Array, clientDataHash: Uint8Array) => Promise<{ fmt: string; attStmt: Map<CborKey, CborValue> }>, aaguid = AAGUID_A) {
  seedCustomer(env);
  const sessionId = await loginAndStepUp(env);
  const p = phone(env, { profile: 'iphone-icloud' });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, attestation: 'direct' } as never);
  const genuine = await p.client.create(options);
  const att = decodeAttestationObject(fromBase64url(genuine.response.attestationObject));
  const parsed = parseAuthenticatorData(att.authData);
  const authData = buildAuthenticatorData({ rpIdHash: parsed.rpIdHash, flags: parsed.flags, signCount: parsed.signCount, attestedCredentialData: { ...parsed.attestedCredentialData!, aaguid: uuidBytes(aaguid) } });
  const { fmt, attStmt } = await build(authData, sha256(fromBase64url(genuine.response.clientDataJSON)));
  const response: RegistrationResponseJSON = { ...genuine, response: { ...genuine.response, attestationObject: toBase64url(encodeAttestationObject({ fmt, attStmt, authData })) } };
  return { sessionId, ceremonyId, response };
}

const der = (i: Issued) => new Uint8Array(i.cert.rawData);
const signDer = (signer: Issued, data: Uint8Array) => new Uint8Array(sign('sha256', data, { key: KeyObject.from(signer.keys.privateKey), dsaEncoding: 'der' }));

function packed(signer: Issued, chain: Issued[], extra: [CborKey, CborValue][] = []) {
  return async (authData: Uint8Array, clientDataHash: Uint8Array) => ({
    fmt: 'packed',
    attStmt: new Map<CborKey, CborValue>([['alg', -7], ['sig', signDer(signer, concatBytes(authData, clientDataHash))], ['x5c', chain.map(der)], ...extra]),
  });
}

async function finish(env: Env, r: Awaited<ReturnType<typeof attested>>) {
  const code = await codeOf(env.rp.finishRegistration(r));
  return { code, stored: env.store.passkeys.listForAccount(1, { includeRevoked: true }).length };
}

describe('packed full attestation from a hostile CA (WebAuthn §8.2, §8.2.1; RFC 5280 §6.1.4)', () => {
  it('control: a well-formed leaf under the trusted root is accepted', async () => {
    const { root, rootPem } = await hostileCa();
    const leaf = await issue({ subject: LEAF('A'), issuer: root, ca: false, extensions: [aaguidExtension(AAGUID_A)] });
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, packed(leaf, [leaf])))).toEqual({ code: 'NO_ERROR', stored: 1 });
  });

  it("rejects a leaf issued by another leaf: one model's attestation key cannot vouch for another AAGUID", async () => {
    const { root, rootPem } = await hostileCa();
    const modelA = await issue({ subject: LEAF('A'), issuer: root, ca: false, extensions: [aaguidExtension(AAGUID_A)] });
    const forgedB = await issue({ subject: LEAF('B'), issuer: modelA, ca: false, extensions: [aaguidExtension(AAGUID_B)] });
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, packed(forgedB, [forgedB, modelA]), AAGUID_B))).toEqual({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('"\\uFEFFpacked" (a byte order mark the library\'s CBOR decoder drops) does not slip the forged chain past the packed checks', async () => {
    const { root, rootPem } = await hostileCa();
    const modelA = await issue({ subject: LEAF('A'), issuer: root, ca: false, extensions: [aaguidExtension(AAGUID_A)] });
    const forgedB = await issue({ subject: LEAF('B'), issuer: modelA, ca: false, extensions: [aaguidExtension(AAGUID_B)] });
    const env = setupTrusting(rootPem);
    const disguised = async (authData: Uint8Array, clientDataHash: Uint8Array) => ({ ...(await packed(forgedB, [forgedB, modelA])(authData, clientDataHash)), fmt: '\uFEFFpacked' });
    expect(await finish(env, await attested(env, disguised, AAGUID_B))).toEqual({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('control: a chain through an intermediate CA is accepted, also when its base64 fills whole PEM lines (DER length a multiple of 48)', async () => {
    const { root, rootPem } = await hostileCa();
    // ECDSA signatures vary by a byte or two, so the DER length does too: make one of each kind.
    const intermediates = new Map<boolean, Issued>();
    for (let i = 0; i < 200 && intermediates.size < 2; i++) {
      const candidate = await issue({ subject: `C=JP, O=Hostile Tester, CN=Intermediate ${'x'.repeat(i % 3)}`, issuer: root, ca: true });
      const whole = candidate.cert.rawData.byteLength % 48 === 0;
      if (!intermediates.has(whole)) intermediates.set(whole, candidate);
    }
    expect([...intermediates.keys()].sort()).toEqual([false, true]);
    for (const [whole, intermediate] of intermediates) {
      const leaf = await issue({ subject: LEAF('B'), issuer: intermediate, ca: false, extensions: [aaguidExtension(AAGUID_B)] });
      const env = setupTrusting(rootPem);
      expect(await finish(env, await attested(env, packed(leaf, [leaf, intermediate]), AAGUID_B)), `whole lines: ${whole}`).toEqual({ code: 'NO_ERROR', stored: 1 });
    }
  });

  it('rejects an AAGUID extension marked critical (§8.2.1 "MUST NOT be marked as critical")', async () => {
    const { root, rootPem } = await hostileCa();
    const leaf = await issue({ subject: LEAF('A'), issuer: root, ca: false, extensions: [aaguidExtension(AAGUID_A, true)] });
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, packed(leaf, [leaf])))).toEqual({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a leaf that is a CA (ours, before the library, which refused it as VERIFICATION_FAILED) and an AAGUID extension naming another model (the library)', async () => {
    const { root, rootPem } = await hostileCa();
    const caLeaf = await issue({ subject: LEAF('A'), issuer: root, ca: true, extensions: [aaguidExtension(AAGUID_A)] });
    const wrongAaguid = await issue({ subject: LEAF('A'), issuer: root, ca: false, extensions: [aaguidExtension(AAGUID_B)] });
    for (const [leaf, expected] of [[caLeaf, 'ATTESTATION_MALFORMED'], [wrongAaguid, 'VERIFICATION_FAILED']] as const) {
      const env = setupTrusting(rootPem);
      expect(await finish(env, await attested(env, packed(leaf, [leaf])))).toEqual({ code: expected, stored: 0 });
    }
  });

  it('rejects an attStmt with a member outside the packed syntax, even with a valid signature', async () => {
    const { root, rootPem } = await hostileCa();
    const leaf = await issue({ subject: LEAF('A'), issuer: root, ca: false, extensions: [aaguidExtension(AAGUID_A)] });
    for (const extra of [['extra', 1], [1, 2], ['X5C', new Uint8Array(1)]] as [CborKey, CborValue][]) {
      const env = setupTrusting(rootPem);
      expect(await finish(env, await attested(env, packed(leaf, [leaf], [extra]))), String(extra[0])).toEqual({ code: 'ATTESTATION_MALFORMED', stored: 0 });
    }
  });

  it('rejects x5c entries that are not certificates, under policy "any" too (which checks no chain)', async () => {
    const { root, rootPem } = await hostileCa();
    const leaf = await issue({ subject: LEAF('A'), issuer: root, ca: false, extensions: [aaguidExtension(AAGUID_A)] });
    const env = setupTrusting(rootPem, { attestationPolicy: 'any' });
    const build = async (authData: Uint8Array, hash: Uint8Array) => {
      const s = await packed(leaf, [leaf])(authData, hash);
      s.attStmt.set('x5c', [der(leaf), Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)]);
      return s;
    };
    expect(await finish(env, await attested(env, build))).toEqual({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects packed self attestation with an extra member (alg and sig genuine)', async () => {
    const env = setupTrusting((await hostileCa()).rootPem);
    seedCustomer(env);
    const sessionId = await loginAndStepUp(env);
    const p = phone(env, { profile: 'windows-hello' });
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, attestation: 'direct' } as never);
    const genuine = await p.client.create(options);
    const att = decodeAttestationObject(fromBase64url(genuine.response.attestationObject));
    expect([att.fmt, att.attStmt.has('x5c')]).toEqual(['packed', false]);
    att.attStmt.set('note', 'hello');
    const response = { ...genuine, response: { ...genuine.response, attestationObject: toBase64url(encodeAttestationObject(att)) } };
    expect(await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response }))).toBe('ATTESTATION_MALFORMED');
    expect(env.store.passkeys.listForAccount(1, { includeRevoked: true })).toHaveLength(0);
  });
});

describe('fido-u2f from a hostile CA (WebAuthn §8.6)', () => {
  function u2f(signer: Issued, extra: [CborKey, CborValue][] = []) {
    return async (authData: Uint8Array, clientDataHash: Uint8Array) => {
      const parsed = parseAuthenticatorData(authData);
      const attestedData = parsed.attestedCredentialData!;
      // The COSE key's x and y follow -2 and -3 as 32-byte strings: publicKeyU2F = 0x04 ‖ x ‖ y.
      const { decodeCoseKey } = await import('../../../core/webauthn/cose.js');
      const key = decodeCoseKey(attestedData.credentialPublicKey) as { x: Uint8Array; y: Uint8Array };
      const data = concatBytes(Uint8Array.of(0), parsed.rpIdHash, clientDataHash, attestedData.credentialId, Uint8Array.of(4), key.x, key.y);
      return { fmt: 'fido-u2f', attStmt: new Map<CborKey, CborValue>([['sig', signDer(signer, data)], ['x5c', [der(signer)]], ...extra]) };
    };
  }
  const ZERO = '00000000-0000-0000-0000-000000000000';

  it('control: a U2F leaf under the trusted root is accepted', async () => {
    const { root, rootPem } = await hostileCa();
    const leaf = await issue({ subject: 'C=JP, O=Hostile Tester, CN=U2F', issuer: root, ca: false });
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, u2f(leaf), ZERO))).toEqual({ code: 'NO_ERROR', stored: 1 });
  });

  it('rejects a U2F attestation certificate that is a CA', async () => {
    const { root, rootPem } = await hostileCa();
    const leaf = await issue({ subject: 'C=JP, O=Hostile Tester, CN=U2F', issuer: root, ca: true });
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, u2f(leaf), ZERO))).toEqual({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a member outside the fido-u2f syntax', async () => {
    const { root, rootPem } = await hostileCa();
    const leaf = await issue({ subject: 'C=JP, O=Hostile Tester, CN=U2F', issuer: root, ca: false });
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, u2f(leaf, [['alg', -7]]), ZERO))).toEqual({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });
});

describe('fmt spellings and none (§8.7, §6.5.2)', () => {
  it('"None", "none ", "PACKED", "\\uFEFFnone" are not formats; none with any attStmt member is malformed', async () => {
    // Refused by the RP itself, not left to the library (whose CBOR decoder drops a leading U+FEFF).
    const cases: [string, Map<CborKey, CborValue>, string][] = [
      ['None', new Map(), 'ATTESTATION_MALFORMED'],
      ['none ', new Map(), 'ATTESTATION_MALFORMED'],
      ['PACKED', new Map(), 'ATTESTATION_MALFORMED'],
      ['\uFEFFnone', new Map(), 'ATTESTATION_MALFORMED'],
      ['\uFEFFpacked', new Map(), 'ATTESTATION_MALFORMED'],
      ['none', new Map<CborKey, CborValue>([['x5c', []]]), 'ATTESTATION_MALFORMED'],
    ];
    for (const [fmt, attStmt, expected] of cases) {
      const env = setupTrusting((await hostileCa()).rootPem);
      const r = await attested(env, async () => ({ fmt, attStmt }));
      expect(await finish(env, r), JSON.stringify(fmt)).toEqual({ code: expected, stored: 0 });
    }
  });
});
