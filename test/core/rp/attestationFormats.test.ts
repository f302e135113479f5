// @peculiar/x509 needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { KeyObject, sign, webcrypto } from 'node:crypto';
import { KeyDescription } from '@peculiar/asn1-android';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, GeneralName, Name, RelativeDistinguishedName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { SettingsService } from '@simplewebauthn/server';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { seededRandom } from '../../../core/random.js';
import type { PasskeyAttestation } from '../../../core/rp/attestation/types.js';
import { createRelyingParty, type RpPolicy } from '../../../core/rp/index.js';
import { openStore } from '../../../core/store/openStore.js';
import { decodeAttestationObject, encodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { fromBase64url, toBase64url } from '../../../core/webauthn/base64url.js';
import type { CborKey, CborValue } from '../../../core/webauthn/cbor.js';
import { encodeCoseKey } from '../../../core/webauthn/cose.js';
import { concatBytes } from '../../../core/webauthn/index.js';
import { sha256 } from '../../../core/webauthn/hash.js';
import type { RegistrationResponseJSON } from '../../../core/webauthn/types.js';
import { codeOf, loginAndStepUp, ORIGIN, phone, RP_ID, seedCustomer, type Env } from './support.js';

/**
 * The formats the harness does not produce (WebAuthn L3 §8.3 tpm, §8.4 android-key, §8.5
 * android-safetynet, §8.8 apple), built by a hostile client with its own CA and signed correctly
 * over the right data: the library is told to trust that CA for the format (SettingsService), so
 * only our own checks can refuse what is wrong. A control shows the same construction without the
 * flaw is accepted.
 */
x509.cryptoProvider.set(webcrypto as never);
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const subtle = webcrypto.subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const AAGUID = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const ROOT_SUBJECT = 'C=JP, O=Hostile Tester, CN=Hostile Root';

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

const uuidBytes = (u: string) => Uint8Array.from(Buffer.from(u.replace(/-/g, ''), 'hex'));
let serial = 1;

/** A certificate valid at the RP's clock (2026-01-01) and at the process clock the library walks with. */
async function issue(opts: { subject: string; issuer?: Issued; ca: boolean; keys?: CryptoKeyPair; extensions?: x509.Extension[] }): Promise<Issued> {
  const keys = opts.keys ?? ((await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair);
  const common = {
    serialNumber: (serial++).toString(16).padStart(4, '0'),
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

const der = (i: Issued) => new Uint8Array(i.cert.rawData);
const signDer = (keys: CryptoKeyPair, data: Uint8Array) => new Uint8Array(sign('sha256', data, { key: KeyObject.from(keys.privateKey), dsaEncoding: 'der' }));
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);

/** A CA chain of the hostile tester: root (the anchor, never in x5c unless a format carries it) → intermediate CA. */
async function hostileCa() {
  const root = await issue({ subject: ROOT_SUBJECT, ca: true });
  const intermediate = await issue({ subject: 'C=JP, O=Hostile Tester, CN=Hostile Intermediate', issuer: root, ca: true });
  return { root, intermediate, rootPem: root.cert.toString('pem') };
}

/** The library trusts `root` for `fmt` (its defaults are Google's, Apple's and GlobalSign's roots). */
type Format = Parameters<typeof SettingsService.setRootCertificates>[0]['identifier'];
const libraryDefaults = new Map<Format, string[]>();
function libraryTrusts(fmt: Format, root: Issued): void {
  if (!libraryDefaults.has(fmt)) libraryDefaults.set(fmt, SettingsService.getRootCertificates({ identifier: fmt }));
  // As DER: android-key compares the root's PEM as the library itself writes it.
  SettingsService.setRootCertificates({ identifier: fmt, certificates: [der(root)] });
}
afterEach(() => {
  for (const [fmt, certificates] of libraryDefaults) SettingsService.setRootCertificates({ identifier: fmt, certificates });
  libraryDefaults.clear();
});

function setupTrusting(rootPem: string, policy: Partial<RpPolicy> = {}): Env {
  const clock = new ManualClock();
  const store = openStore({ path: ':memory:' });
  const rp = createRelyingParty({ store, rpId: RP_ID, rpName: 'YM証券', origins: [ORIGIN], clock, random: seededRandom('attestation-formats'), policy: { scryptCost: 1024, ...policy }, trust: { attestationRoots: [rootPem] } });
  return { clock, store, rp };
}

interface Credential {
  keys: CryptoKeyPair;
  x: Uint8Array;
  y: Uint8Array;
}

async function credentialKey(): Promise<Credential> {
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await subtle.exportKey('jwk', keys.publicKey);
  return { keys, x: fromBase64url(jwk.x!), y: fromBase64url(jwk.y!) };
}

type Build = (authData: Uint8Array, clientDataHash: Uint8Array) => Promise<{ fmt: string; attStmt: Map<CborKey, CborValue> }>;

/** A genuine registration's clientDataJSON and credential ID, with `credential` as its key and the statement `build` makes. */
async function attested(env: Env, credential: Credential, build: Build) {
  seedCustomer(env);
  const sessionId = await loginAndStepUp(env);
  const p = phone(env, { profile: 'iphone-icloud' });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, attestation: 'direct' } as never);
  const genuine = await p.client.create(options);
  const parsed = parseAuthenticatorData(decodeAttestationObject(fromBase64url(genuine.response.attestationObject)).authData);
  const credentialPublicKey = encodeCoseKey({ kty: 2, alg: -7, crv: 1, x: credential.x, y: credential.y });
  const authData = buildAuthenticatorData({
    rpIdHash: parsed.rpIdHash,
    flags: parsed.flags,
    signCount: parsed.signCount,
    attestedCredentialData: { ...parsed.attestedCredentialData!, aaguid: uuidBytes(AAGUID), credentialPublicKey },
  });
  const { fmt, attStmt } = await build(authData, sha256(fromBase64url(genuine.response.clientDataJSON)));
  const response: RegistrationResponseJSON = { ...genuine, response: { ...genuine.response, attestationObject: toBase64url(encodeAttestationObject({ fmt, attStmt, authData })) } };
  return { sessionId, ceremonyId, response };
}

async function finish(env: Env, r: Awaited<ReturnType<typeof attested>>) {
  const code = await codeOf(env.rp.finishRegistration(r));
  const rows = env.store.passkeys.listForAccount(1, { includeRevoked: true });
  return { code, stored: rows.length, attestation: rows[0]?.attestation as PasskeyAttestation | undefined };
}

const withExtra = (build: Build, extra: [CborKey, CborValue]): Build => async (authData, hash) => {
  const s = await build(authData, hash);
  s.attStmt.set(...extra);
  return s;
};

describe('tpm (WebAuthn §8.3, §8.3.1)', () => {
  const OID_TCG_KP_AIK_CERTIFICATE = '2.23.133.8.3';
  /** §8.3.1: SAN directoryName with the TPM manufacturer (the FIDO conformance ID), model and version. */
  const tpmSan = () => {
    const attribute = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
    const name = new Name([attribute('2.23.133.2.1', 'id:FFFFF1D0'), attribute('2.23.133.2.2', 'Hostile TPM'), attribute('2.23.133.2.3', 'id:13')]);
    return new x509.Extension('2.5.29.17', true, AsnConvert.serialize(new SubjectAlternativeName([new GeneralName({ directoryName: name })])));
  };
  const aikExtensions = () => [new x509.ExtendedKeyUsageExtension([OID_TCG_KP_AIK_CERTIFICATE]), tpmSan()];
  const aikCert = (issuer: Issued, ca = false) => issue({ subject: '', issuer, ca, extensions: aikExtensions() });

  /** TPMT_PUBLIC for the ECC P-256 credential key and a TPMS_ATTEST (certify) over it, signed by the AIK (ES256). */
  function tpm(aik: Issued, chain: Issued[], credential: Credential): Build {
    return async (authData, clientDataHash) => {
      const TPM_ALG_NULL = u16(0x0010);
      const pubArea = concatBytes(u16(0x0023), u16(0x000b), u32(0x00040072), u16(0), TPM_ALG_NULL, TPM_ALG_NULL, u16(0x0003), TPM_ALG_NULL, u16(32), credential.x, u16(32), credential.y);
      const name = concatBytes(u16(0x000b), sha256(pubArea));
      const extraData = sha256(concatBytes(authData, clientDataHash));
      const certInfo = concatBytes(u32(0xff544347), u16(0x8017), u16(0), u16(extraData.length), extraData, new Uint8Array(17), new Uint8Array(8), u16(name.length), name, u16(0));
      return {
        fmt: 'tpm',
        attStmt: new Map<CborKey, CborValue>([['ver', '2.0'], ['alg', -7], ['x5c', chain.map(der)], ['sig', signDer(aik.keys, certInfo)], ['certInfo', certInfo], ['pubArea', pubArea]]),
      };
    };
  }

  it('control: an AIK certificate under an intermediate CA of the trusted root is accepted, recorded with its anchor', async () => {
    const { intermediate, rootPem } = await hostileCa();
    const aik = await aikCert(intermediate);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, tpm(aik, [aik, intermediate], credential)))).toMatchObject({ code: 'NO_ERROR', stored: 1, attestation: { fmt: 'tpm', type: 'basic', trustPath: 'trusted', anchor: ROOT_SUBJECT } });
  });

  it("rejects an AIK certificate issued by another AIK (x5c[1] is no CA): one TPM's attestation key cannot vouch for others", async () => {
    const { intermediate, rootPem } = await hostileCa();
    const genuineAik = await aikCert(intermediate);
    const forged = await aikCert(genuineAik);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, tpm(forged, [forged, genuineAik, intermediate], credential)))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a member outside the tpm syntax, even with a valid signature', async () => {
    const { intermediate, rootPem } = await hostileCa();
    const aik = await aikCert(intermediate);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, withExtra(tpm(aik, [aik, intermediate], credential), ['ecdaaKeyId', new Uint8Array(32)])))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });
});

describe('android-key (WebAuthn §8.4)', () => {
  const OID_KEY_DESCRIPTION = '1.3.6.1.4.1.11129.2.1.17';
  /** credCert: the credential key, certified with a KeyDescription whose attestationChallenge is clientDataHash. */
  const credCert = (issuer: Issued, credential: Credential, clientDataHash: Uint8Array, ca = false) =>
    issue({ subject: 'CN=Android Keystore Key', issuer, ca, keys: credential.keys, extensions: [new x509.Extension(OID_KEY_DESCRIPTION, false, AsnConvert.serialize(new KeyDescription({ attestationChallenge: new OctetString(clientDataHash) })))] });

  /** x5c as Android returns it: credCert, its issuers, and the root itself last. */
  function androidKey(credential: Credential, chainFor: (leaf: Issued) => Issued[], issuer: Issued, opts: { ca?: boolean } = {}): Build {
    return async (authData, clientDataHash) => {
      const leaf = await credCert(issuer, credential, clientDataHash, opts.ca);
      return { fmt: 'android-key', attStmt: new Map<CborKey, CborValue>([['alg', -7], ['sig', signDer(credential.keys, concatBytes(authData, clientDataHash))], ['x5c', chainFor(leaf).map(der)]]) };
    };
  }

  it('control: a credCert chain ending with the trusted root itself is accepted, recorded with its anchor', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('android-key', root);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    const build = androidKey(credential, (leaf) => [leaf, intermediate, root], intermediate);
    expect(await finish(env, await attested(env, credential, build))).toMatchObject({ code: 'NO_ERROR', stored: 1, attestation: { fmt: 'android-key', type: 'basic', trustPath: 'trusted', anchor: ROOT_SUBJECT } });
  });

  it('rejects a credCert issued by a certificate that is no CA', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('android-key', root);
    const notCa = await issue({ subject: 'C=JP, O=Hostile Tester, CN=Some Leaf', issuer: intermediate, ca: false });
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    const build = androidKey(credential, (leaf) => [leaf, notCa, intermediate, root], notCa);
    expect(await finish(env, await attested(env, credential, build))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a credCert that is a CA', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('android-key', root);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    const build = androidKey(credential, (leaf) => [leaf, intermediate, root], intermediate, { ca: true });
    expect(await finish(env, await attested(env, credential, build))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a member outside the android-key syntax', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('android-key', root);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    const build = withExtra(androidKey(credential, (leaf) => [leaf, intermediate, root], intermediate), ['ver', '2.0']);
    expect(await finish(env, await attested(env, credential, build))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });
});

describe('apple (WebAuthn §8.8)', () => {
  const OID_APPLE_NONCE = '1.2.840.113635.100.8.2';
  /** credCert: the credential key, with nonce = SHA-256(authenticatorData ‖ clientDataHash) in SEQUENCE { [1] OCTET STRING }. */
  function apple(credential: Credential, issuer: Issued, chain: Issued[], opts: { ca?: boolean } = {}): Build {
    return async (authData, clientDataHash) => {
      const nonce = sha256(concatBytes(authData, clientDataHash));
      const extension = new x509.Extension(OID_APPLE_NONCE, false, concatBytes(Uint8Array.of(0x30, 0x24, 0xa1, 0x22, 0x04, 0x20), nonce));
      const leaf = await issue({ subject: 'CN=Hostile Credential, O=Hostile Tester', issuer, ca: opts.ca ?? false, keys: credential.keys, extensions: [extension] });
      return { fmt: 'apple', attStmt: new Map<CborKey, CborValue>([['x5c', [leaf, ...chain].map(der)]]) };
    };
  }

  it('control: a credCert under an intermediate CA of the trusted root is accepted, recorded with its anchor', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('apple', root);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, apple(credential, intermediate, [intermediate])))).toMatchObject({
      code: 'NO_ERROR',
      stored: 1,
      attestation: { fmt: 'apple', type: 'basic', trustPath: 'trusted', anchor: ROOT_SUBJECT },
    });
  });

  it('rejects a credCert issued by a certificate that is no CA', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('apple', root);
    const notCa = await issue({ subject: 'C=JP, O=Hostile Tester, CN=Some Leaf', issuer: intermediate, ca: false });
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, apple(credential, notCa, [notCa, intermediate])))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a credCert that is a CA', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('apple', root);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, apple(credential, intermediate, [intermediate], { ca: true })))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a member outside the apple syntax (a packed-style alg)', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('apple', root);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, withExtra(apple(credential, intermediate, [intermediate]), ['alg', -7])))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });
});

describe('android-safetynet (WebAuthn §8.5): the trust path is the JWS header x5c', () => {
  const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const attestCert = (issuer: Issued) => issue({ subject: 'C=US, O=Hostile Tester, CN=attest.android.com', issuer, ca: false });

  /** A SafetyNet response signed by `leaf` (ES256), its header x5c `chain`, nonce = base64 SHA-256(authenticatorData ‖ clientDataHash). */
  function safetyNet(leaf: Issued, chain: Issued[]): Build {
    return async (authData, clientDataHash) => {
      const header = b64url({ alg: 'ES256', x5c: chain.map((c) => Buffer.from(der(c)).toString('base64')) });
      // The library checks the timestamp against the process clock: a response made just now.
      const payload = b64url({ nonce: Buffer.from(sha256(concatBytes(authData, clientDataHash))).toString('base64'), timestampMs: Date.now(), ctsProfileMatch: true, basicIntegrity: true });
      const signature = Buffer.from(signDer(leaf.keys, new TextEncoder().encode(`${header}.${payload}`))).toString('base64url');
      return { fmt: 'android-safetynet', attStmt: new Map<CborKey, CborValue>([['ver', '12345678'], ['response', new TextEncoder().encode(`${header}.${payload}.${signature}`)]]) };
    };
  }

  it('control: a response whose JWS chain reaches the trusted root is recorded as basic, trusted, with its anchor', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('android-safetynet', root);
    const leaf = await attestCert(intermediate);
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, await credentialKey(), safetyNet(leaf, [leaf, intermediate])))).toMatchObject({
      code: 'NO_ERROR',
      stored: 1,
      attestation: { fmt: 'android-safetynet', type: 'basic', trustPath: 'trusted', anchor: ROOT_SUBJECT },
    });
  });

  it("refuses a response whose JWS chain does not reach the RP's roots (it was taken for self attestation and accepted)", async () => {
    const { root, intermediate } = await hostileCa();
    const other = await hostileCa();
    libraryTrusts('android-safetynet', root);
    const leaf = await attestCert(intermediate);
    const env = setupTrusting(other.rootPem);
    expect(await finish(env, await attested(env, await credentialKey(), safetyNet(leaf, [leaf, intermediate])))).toMatchObject({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
  });

  it('rejects a JWS chain whose leaf is issued by a certificate that is no CA', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('android-safetynet', root);
    const notCa = await issue({ subject: 'C=JP, O=Hostile Tester, CN=Some Leaf', issuer: intermediate, ca: false });
    const leaf = await attestCert(notCa);
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, await credentialKey(), safetyNet(leaf, [leaf, notCa, intermediate])))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a member outside the android-safetynet syntax (an attStmt.x5c, which used to be taken as its trust path)', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('android-safetynet', root);
    const leaf = await attestCert(intermediate);
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, await credentialKey(), withExtra(safetyNet(leaf, [leaf, intermediate]), ['x5c', [der(leaf), der(intermediate)]])))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });
});
