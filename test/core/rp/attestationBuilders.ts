// @peculiar/x509 needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { KeyObject, sign, webcrypto } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, GeneralName, Name, RelativeDistinguishedName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { SettingsService } from '@simplewebauthn/server';
import type { PasskeyAttestation } from '../../../core/rp/attestation/types.js';
import { decodeAttestationObject, encodeAttestationObject } from '../../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../../core/webauthn/authData.js';
import { fromBase64url, toBase64url } from '../../../core/webauthn/base64url.js';
import type { CborKey, CborValue } from '../../../core/webauthn/cbor.js';
import { encodeCoseKey } from '../../../core/webauthn/cose.js';
import { concatBytes } from '../../../core/webauthn/index.js';
import { sha256 } from '../../../core/webauthn/hash.js';
import type { RegistrationResponseJSON } from '../../../core/webauthn/types.js';
import { codeOf, loginAndStepUp, phone, seedCustomer, type Env } from './support.js';

/**
 * Attestation statements of the formats the harness does not produce, built by a hostile client
 * with its own CA and signed correctly over the right data (shared by attestationFormats.test.ts
 * and attestationMetadataTypes.test.ts).
 */
x509.cryptoProvider.set(webcrypto as never);
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
const subtle = webcrypto.subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const AAGUID = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
export const ROOT_SUBJECT = 'C=JP, O=Hostile Tester, CN=Hostile Root';

export interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export const uuidBytes = (u: string) => Uint8Array.from(Buffer.from(u.replace(/-/g, ''), 'hex'));
let serial = 1;

/** A certificate valid at the RP's clock (2026-01-01) and at the process clock the library walks with. */
export async function issue(opts: { subject: string; issuer?: Issued; ca: boolean; keys?: CryptoKeyPair; extensions?: x509.Extension[] }): Promise<Issued> {
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

export const der = (i: Issued) => new Uint8Array(i.cert.rawData);
export const signDer = (keys: CryptoKeyPair, data: Uint8Array) => new Uint8Array(sign('sha256', data, { key: KeyObject.from(keys.privateKey), dsaEncoding: 'der' }));
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);

/** A CA chain of the hostile tester: root (the anchor, never in x5c unless a format carries it) → intermediate CA. */
export async function hostileCa() {
  const root = await issue({ subject: ROOT_SUBJECT, ca: true });
  const intermediate = await issue({ subject: 'C=JP, O=Hostile Tester, CN=Hostile Intermediate', issuer: root, ca: true });
  return { root, intermediate, rootPem: root.cert.toString('pem') };
}

/** The library trusts `root` for `fmt` (its defaults are Google's, Apple's and GlobalSign's roots); undone by restoreLibraryRoots. */
export type Format = Parameters<typeof SettingsService.setRootCertificates>[0]['identifier'];
const libraryDefaults = new Map<Format, string[]>();
export function libraryTrusts(fmt: Format, root: Issued): void {
  if (!libraryDefaults.has(fmt)) libraryDefaults.set(fmt, SettingsService.getRootCertificates({ identifier: fmt }));
  // As DER: android-key compares the root's PEM as the library itself writes it.
  SettingsService.setRootCertificates({ identifier: fmt, certificates: [der(root)] });
}
/** For afterEach: the library's own roots again (SettingsService is process-global). */
export function restoreLibraryRoots(): void {
  for (const [fmt, certificates] of libraryDefaults) SettingsService.setRootCertificates({ identifier: fmt, certificates });
  libraryDefaults.clear();
}

export interface Credential {
  keys: CryptoKeyPair;
  x: Uint8Array;
  y: Uint8Array;
}

export async function credentialKey(): Promise<Credential> {
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await subtle.exportKey('jwk', keys.publicKey);
  return { keys, x: fromBase64url(jwk.x!), y: fromBase64url(jwk.y!) };
}

export type Build = (authData: Uint8Array, clientDataHash: Uint8Array) => Promise<{ fmt: string; attStmt: Map<CborKey, CborValue> }>;

/** A genuine registration's clientDataJSON and credential ID, with `credential` as its key and the statement `build` makes. */
export async function attested(env: Env, credential: Credential, build: Build) {
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

export async function finish(env: Env, r: Awaited<ReturnType<typeof attested>>) {
  const code = await codeOf(env.rp.finishRegistration(r));
  const rows = env.store.passkeys.listForAccount(1, { includeRevoked: true });
  return { code, stored: rows.length, attestation: rows[0]?.attestation as PasskeyAttestation | undefined };
}

export const withExtra = (build: Build, extra: [CborKey, CborValue]): Build => async (authData, hash) => {
  const s = await build(authData, hash);
  s.attStmt.set(...extra);
  return s;
};

const OID_TCG_KP_AIK_CERTIFICATE = '2.23.133.8.3';
/** §8.3.1: SAN directoryName with the TPM manufacturer (the FIDO conformance ID), model and version. */
const tpmSan = () => {
  const attribute = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  const name = new Name([attribute('2.23.133.2.1', 'id:FFFFF1D0'), attribute('2.23.133.2.2', 'Hostile TPM'), attribute('2.23.133.2.3', 'id:13')]);
  return new x509.Extension('2.5.29.17', true, AsnConvert.serialize(new SubjectAlternativeName([new GeneralName({ directoryName: name })])));
};
const aikExtensions = () => [new x509.ExtendedKeyUsageExtension([OID_TCG_KP_AIK_CERTIFICATE]), tpmSan()];
/** A TPM attestation identity key certificate (WebAuthn §8.3.1) issued by `issuer`. */
export const aikCert = (issuer: Issued, ca = false) => issue({ subject: '', issuer, ca, extensions: aikExtensions() });

/** tpm (WebAuthn §8.3): TPMT_PUBLIC for the ECC P-256 credential key and a TPMS_ATTEST (certify) over it, signed by the AIK (ES256). */
export function tpm(aik: Issued, chain: Issued[], credential: Credential): Build {
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

const OID_APPLE_NONCE = '1.2.840.113635.100.8.2';
/** apple (WebAuthn §8.8): credCert, the credential key, with nonce = SHA-256(authenticatorData ‖ clientDataHash) in SEQUENCE { [1] OCTET STRING }. */
export function apple(credential: Credential, issuer: Issued, chain: Issued[], opts: { ca?: boolean } = {}): Build {
  return async (authData, clientDataHash) => {
    const nonce = sha256(concatBytes(authData, clientDataHash));
    const extension = new x509.Extension(OID_APPLE_NONCE, false, concatBytes(Uint8Array.of(0x30, 0x24, 0xa1, 0x22, 0x04, 0x20), nonce));
    const leaf = await issue({ subject: 'CN=Hostile Credential, O=Hostile Tester', issuer, ca: opts.ca ?? false, keys: credential.keys, extensions: [extension] });
    return { fmt: 'apple', attStmt: new Map<CborKey, CborValue>([['x5c', [leaf, ...chain].map(der)]]) };
  };
}
