// @peculiar/x509 needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { KeyObject, sign, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { HarnessError } from '../../core/errors.js';
import { seededRandom } from '../../core/random.js';
import { checkAttestationStatement } from '../../core/rp/attestation/checkAttestationStatement.js';
import { createRelyingParty } from '../../core/rp/index.js';
import { openStore } from '../../core/store/openStore.js';
import { decodeAttestationObject, encodeAttestationObject } from '../../core/webauthn/attestationObject.js';
import { buildAuthenticatorData, parseAuthenticatorData } from '../../core/webauthn/authData.js';
import { fromBase64url, toBase64url } from '../../core/webauthn/base64url.js';
import type { CborKey, CborValue } from '../../core/webauthn/cbor.js';
import { concatBytes } from '../../core/webauthn/index.js';
import { sha256 } from '../../core/webauthn/hash.js';
import type { RegistrationResponseJSON } from '../../core/webauthn/types.js';
import { codeOf, loginAndStepUp, ORIGIN, phone, RP_ID, seedCustomer, type Env } from '../core/rp/support.js';

/**
 * Review 9, feature 3: the android-safetynet JWS header as a hostile client writes it (WebAuthn L3
 * §8.5: its x5c is the trust path), and certificate validity at the RP's clock exactly at the
 * boundaries (RFC 5280 §4.1.2.5: the validity period is notBefore through notAfter, inclusive).
 */
x509.cryptoProvider.set(webcrypto as never);
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const DAY = 24 * 3600_000;
const OID_AAGUID = '1.3.6.1.4.1.45724.1.1.4';
const AAGUID = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
const uuidBytes = (u: string) => Uint8Array.from(Buffer.from(u.replace(/-/g, ''), 'hex'));
// X.509 times have whole seconds: the windows are second-aligned so "exactly at" is exact.
const second = (ms: number) => Math.floor(ms / 1000) * 1000;
const NOT_BEFORE = Date.UTC(2025, 0, 1);
const NOT_AFTER = second(Date.now() + 365 * DAY);

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}
let serial = 1;

async function issue(opts: { subject: string; issuer?: Issued; ca: boolean; aaguid?: boolean }): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(opts.ca, undefined, true)];
  if (opts.aaguid) extensions.push(new x509.Extension(OID_AAGUID, false, concatBytes(Uint8Array.of(0x04, 0x10), uuidBytes(AAGUID))));
  const common = { serialNumber: (serial++).toString(16).padStart(4, '0'), notBefore: new Date(NOT_BEFORE), notAfter: new Date(NOT_AFTER), signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, extensions };
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({ ...common, subject: opts.subject, issuer: opts.issuer.cert.subject, publicKey: keys.publicKey, signingKey: opts.issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: opts.subject, keys });
  return { cert, keys };
}
const der = (i: Issued) => new Uint8Array(i.cert.rawData);

async function pki() {
  const root = await issue({ subject: 'C=JP, O=Review Nine, CN=Boundary Root', ca: true });
  const intermediate = await issue({ subject: 'C=JP, O=Review Nine, CN=Boundary CA', issuer: root, ca: true });
  const leaf = await issue({ subject: 'C=JP, O=Review Nine, OU=Authenticator Attestation, CN=Boundary Key', issuer: intermediate, ca: false, aaguid: true });
  return { root, intermediate, leaf };
}

/** A genuine registration re-attested as packed full attestation by `leaf`, finished at RP time `now`. */
async function registerAt(now: number, chain: Awaited<ReturnType<typeof pki>>) {
  const env: Env = (() => {
    const clock = new ManualClock(now);
    const store = openStore({ path: ':memory:' });
    const rp = createRelyingParty({ store, rpId: RP_ID, rpName: 'YM証券', origins: [ORIGIN], clock, random: seededRandom('review9-boundary'), policy: { scryptCost: 1024 }, trust: { attestationRoots: [chain.root.cert.toString('pem')] } });
    return { clock, store, rp };
  })();
  seedCustomer(env);
  const sessionId = await loginAndStepUp(env);
  const p = phone(env, { profile: 'iphone-icloud' });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, attestation: 'direct' } as never);
  const genuine = await p.client.create(options);
  const parsed = parseAuthenticatorData(decodeAttestationObject(fromBase64url(genuine.response.attestationObject)).authData);
  const authData = buildAuthenticatorData({ rpIdHash: parsed.rpIdHash, flags: parsed.flags, signCount: parsed.signCount, attestedCredentialData: { ...parsed.attestedCredentialData!, aaguid: uuidBytes(AAGUID) } });
  const signed = concatBytes(authData, sha256(fromBase64url(genuine.response.clientDataJSON)));
  const sig = new Uint8Array(sign('sha256', signed, { key: KeyObject.from(chain.leaf.keys.privateKey), dsaEncoding: 'der' }));
  const attStmt = new Map<CborKey, CborValue>([['alg', -7], ['sig', sig], ['x5c', [der(chain.leaf), der(chain.intermediate)]]]);
  const response: RegistrationResponseJSON = { ...genuine, response: { ...genuine.response, attestationObject: toBase64url(encodeAttestationObject({ fmt: 'packed', attStmt, authData })) } };
  // The ceremony was started at `now`; the finish happens at the same instant.
  const code = await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response }));
  const stored = env.store.passkeys.listForAccount(1, { includeRevoked: true }).length;
  env.store.close();
  return { code, stored };
}

describe('certificate validity at the boundaries of its window (RP clock)', () => {
  it('accepts the chain at exactly notBefore and exactly notAfter, and refuses it one millisecond outside either', async () => {
    const chain = await pki();
    expect(await registerAt(NOT_BEFORE, chain)).toEqual({ code: 'NO_ERROR', stored: 1 });
    expect(await registerAt(NOT_AFTER, chain)).toEqual({ code: 'NO_ERROR', stored: 1 });
    expect(await registerAt(NOT_BEFORE - 1, chain)).toEqual({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
    expect(await registerAt(NOT_AFTER + 1, chain)).toEqual({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
  });
});

describe('android-safetynet: a hostile JWS header (§8.5)', () => {
  const credentialKey = { kty: 2, alg: -7, crv: 1 } as never;
  const enc = (s: string) => new TextEncoder().encode(s);
  const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const statement = (response: CborValue, extra: [string, CborValue][] = []) =>
    new Map<CborKey, CborValue>([['ver', '12345678'], ['response', response], ...extra]);
  const check = (attStmt: Map<CborKey, CborValue>) => {
    try {
      checkAttestationStatement({ fmt: 'android-safetynet', attStmt, credentialKey });
      return 'NO_ERROR';
    } catch (error) {
      if (!(error instanceof HarnessError)) throw error;
      return error.code;
    }
  };

  it('refuses each malformed header as ATTESTATION_MALFORMED (a typed error, never a crash)', async () => {
    const { leaf, intermediate } = await pki();
    const good = Buffer.from(der(leaf)).toString('base64');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const headers: string[] = [
      b64url({ alg: 'ES256' }),
      b64url({ alg: 'ES256', x5c: [] }),
      b64url({ alg: 'ES256', x5c: good }),
      b64url({ alg: 'ES256', x5c: [good.replace(/=+$/, '').slice(0, -3)] }),
      b64url({ alg: 'ES256', x5c: [Buffer.from(der(leaf)).toString('base64url')] }),
      b64url({ alg: 'ES256', x5c: [`${good.slice(0, 40)}\n${good.slice(40)}`] }),
      b64url({ alg: 'ES256', x5c: [good, 42] }),
      b64url({ alg: 'ES256', x5c: [{ length: 1 }] }),
      b64url({ alg: 'ES256', x5c: Array.from({ length: 100 }, () => good) }),
      b64url({ alg: 'ES256', x5c: [Buffer.from(der(intermediate)).toString('base64')] }),
      b64url(`{"alg":"ES256","x5c":${'['.repeat(5000)}"${good}"${']'.repeat(5000)}}`),
      b64url(deep),
      b64url('null'),
      b64url('"x5c"'),
      b64url('[1,2,3]'),
      '%%%%',
      '',
      b64url({ alg: 'ES256', x5c: ['A'.repeat(200_000)] }),
    ];
    for (const header of headers) {
      expect(check(statement(enc(`${header}.e30.c2ln`))), header.slice(0, 80)).toBe('ATTESTATION_MALFORMED');
    }
    for (const response of [enc('only.two'), enc('a.b.c.d'), enc(''), 'text, not bytes', 42, null, [enc('a.b.c')]] as CborValue[]) {
      expect(check(statement(response))).toBe('ATTESTATION_MALFORMED');
    }
    expect(check(new Map<CborKey, CborValue>([['response', enc(`${b64url({ x5c: [good] })}.e30.c2ln`)]]))).toBe('ATTESTATION_MALFORMED');
    expect(check(new Map<CborKey, CborValue>([['ver', 1], ['response', enc(`${b64url({ x5c: [good] })}.e30.c2ln`)]]))).toBe('ATTESTATION_MALFORMED');
  });

  it('control: a well-formed header with leaf and CA is taken as a basic trust path (so the same construction is not refused by accident)', async () => {
    const { leaf, intermediate } = await pki();
    const x5c = [leaf, intermediate].map((c) => Buffer.from(der(c)).toString('base64'));
    const checked = checkAttestationStatement({ fmt: 'android-safetynet', attStmt: statement(enc(`${b64url({ alg: 'ES256', x5c })}.e30.c2ln`)), credentialKey });
    expect(checked.type).toBe('basic');
    expect(checked.x5c.map((c) => Buffer.from(c).toString('base64'))).toEqual(x5c);
  });
});
