// @peculiar/x509 needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { KeyObject, sign, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { builtInProfiles, createAuthenticator } from '../../../core/authenticator/index.js';
import { createClient } from '../../../core/client/index.js';
import { ManualClock } from '../../../core/clock.js';
import { openHarnessTrust } from '../../../core/mds/index.js';
import { seededRandom } from '../../../core/random.js';
import { createRelyingParty } from '../../../core/rp/index.js';
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
 * RFC 5280 §6.1.3 (a)(2), WebAuthn §7.1 step 23: every certificate of the attestation trust path
 * must be valid at the RP's time — its injected clock, not the process clock the library's walk
 * uses. Each certificate here is valid at the process clock, so only the RP's clock can refuse it.
 */
x509.cryptoProvider.set(webcrypto as never);
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const subtle = webcrypto.subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const DAY = 24 * 3600_000;
const OID_AAGUID = '1.3.6.1.4.1.45724.1.1.4';
const AAGUID = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const uuidBytes = (u: string) => Uint8Array.from(Buffer.from(u.replace(/-/g, ''), 'hex'));
// Certificate windows are set around the process clock (the library refuses anything outside it);
// the RP's clock is then put inside or outside them.
const PROCESS_NOW = Date.now();
const LONG_AGO = Date.UTC(2025, 0, 1);
const YEAR_AHEAD = PROCESS_NOW + 365 * DAY;

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}
let serial = 1;

async function issue(opts: { subject: string; issuer?: Issued; ca: boolean; from?: number; to?: number; aaguid?: boolean }): Promise<Issued> {
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(opts.ca, undefined, true)];
  if (opts.aaguid) extensions.push(new x509.Extension(OID_AAGUID, false, concatBytes(Uint8Array.of(0x04, 0x10), uuidBytes(AAGUID))));
  const common = {
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    notBefore: new Date(opts.from ?? LONG_AGO),
    notAfter: new Date(opts.to ?? YEAR_AHEAD),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions,
  };
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({ ...common, subject: opts.subject, issuer: opts.issuer.cert.subject, publicKey: keys.publicKey, signingKey: opts.issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: opts.subject, keys });
  return { cert, keys };
}

/** root → intermediate CA → packed leaf; `windows` overrides a certificate's validity. */
async function chain(windows: { root?: [number, number]; intermediate?: [number, number]; leaf?: [number, number] } = {}) {
  const root = await issue({ subject: 'C=JP, O=Clock Tester, CN=Clock Root', ca: true, from: windows.root?.[0], to: windows.root?.[1] });
  const intermediate = await issue({ subject: 'C=JP, O=Clock Tester, CN=Clock CA', issuer: root, ca: true, from: windows.intermediate?.[0], to: windows.intermediate?.[1] });
  const leaf = await issue({ subject: 'C=JP, O=Clock Tester, OU=Authenticator Attestation, CN=Clock Key', issuer: intermediate, ca: false, aaguid: true, from: windows.leaf?.[0], to: windows.leaf?.[1] });
  return { rootPem: root.cert.toString('pem'), x5c: [leaf, intermediate], leaf };
}

function rpAt(now: number, rootPem: string): Env {
  const clock = new ManualClock(now);
  const store = openStore({ path: ':memory:' });
  const rp = createRelyingParty({ store, rpId: RP_ID, rpName: 'YM証券', origins: [ORIGIN], clock, random: seededRandom('attestation-clock'), policy: { scryptCost: 1024 }, trust: { attestationRoots: [rootPem] } });
  return { clock, store, rp };
}

/** A genuine registration re-attested as packed full attestation by `leaf` with x5c `x5c`; the code and how many passkeys were stored. */
async function register(env: Env, leaf: Issued, x5c: Issued[]) {
  seedCustomer(env);
  const sessionId = await loginAndStepUp(env);
  const p = phone(env, { profile: 'iphone-icloud' });
  const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, attestation: 'direct' } as never);
  const genuine = await p.client.create(options);
  const parsed = parseAuthenticatorData(decodeAttestationObject(fromBase64url(genuine.response.attestationObject)).authData);
  const authData = buildAuthenticatorData({ rpIdHash: parsed.rpIdHash, flags: parsed.flags, signCount: parsed.signCount, attestedCredentialData: { ...parsed.attestedCredentialData!, aaguid: uuidBytes(AAGUID) } });
  const signed = concatBytes(authData, sha256(fromBase64url(genuine.response.clientDataJSON)));
  const sig = new Uint8Array(sign('sha256', signed, { key: KeyObject.from(leaf.keys.privateKey), dsaEncoding: 'der' }));
  const attStmt = new Map<CborKey, CborValue>([['alg', -7], ['sig', sig], ['x5c', x5c.map((c) => new Uint8Array(c.cert.rawData))]]);
  const response: RegistrationResponseJSON = { ...genuine, response: { ...genuine.response, attestationObject: toBase64url(encodeAttestationObject({ fmt: 'packed', attStmt, authData })) } };
  const code = await codeOf(env.rp.finishRegistration({ sessionId, ceremonyId, response }));
  return { code, stored: env.store.passkeys.listForAccount(1, { includeRevoked: true }).length };
}

describe("certificate validity at the RP's clock (trusted-roots)", () => {
  it('control: every certificate valid at the RP clock is accepted', async () => {
    const c = await chain({ leaf: [PROCESS_NOW - 10 * DAY, PROCESS_NOW + 10 * DAY] });
    expect(await register(rpAt(PROCESS_NOW - 5 * DAY, c.rootPem), c.leaf, c.x5c)).toEqual({ code: 'NO_ERROR', stored: 1 });
  });

  it('refuses an attestation certificate that has expired at the RP clock', async () => {
    const c = await chain({ leaf: [PROCESS_NOW - 10 * DAY, PROCESS_NOW + 10 * DAY] });
    expect(await register(rpAt(PROCESS_NOW + 11 * DAY, c.rootPem), c.leaf, c.x5c)).toEqual({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
  });

  it('refuses an attestation certificate that is not yet valid at the RP clock', async () => {
    const c = await chain({ leaf: [PROCESS_NOW - 10 * DAY, PROCESS_NOW + 10 * DAY] });
    expect(await register(rpAt(PROCESS_NOW - 11 * DAY, c.rootPem), c.leaf, c.x5c)).toEqual({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
  });

  it('refuses an intermediate CA that has expired at the RP clock (every certificate of the path counts)', async () => {
    const c = await chain({ intermediate: [LONG_AGO, PROCESS_NOW + 10 * DAY] });
    expect(await register(rpAt(PROCESS_NOW + 11 * DAY, c.rootPem), c.leaf, c.x5c)).toEqual({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
  });

  it('refuses a trust anchor that is not yet valid at the RP clock', async () => {
    const c = await chain({ root: [PROCESS_NOW - 10 * DAY, YEAR_AHEAD] });
    expect(await register(rpAt(PROCESS_NOW - 11 * DAY, c.rootPem), c.leaf, c.x5c)).toEqual({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
  });
});

describe("certificate validity at the RP's clock (metadata)", () => {
  const YUBIKEY = builtInProfiles['yubikey-5']!;

  /** A genuine harness yubikey (seeded CA: valid from 2025-01-01) enrolled with the RP's clock at `now`. */
  async function enrollYubikey(now: number) {
    const trust = await openHarnessTrust({ seed: 'attestation-clock', clock: new ManualClock(Date.UTC(2026, 10, 30)) });
    const clock = new ManualClock(now);
    const store = openStore({ path: ':memory:' });
    const rp = createRelyingParty({
      store,
      rpId: RP_ID,
      rpName: 'YM証券',
      origins: [ORIGIN],
      clock,
      random: seededRandom('attestation-clock-mds'),
      policy: { scryptCost: 1024, attestationPolicy: 'metadata' },
      trust: { attestationRoots: [], mdsRoots: [trust.mds.rootPem], metadata: { blob: () => trust.mds.blob() } },
    });
    const env: Env = { clock, store, rp };
    seedCustomer(env);
    const sessionId = await loginAndStepUp(env);
    const client = createClient({ authenticator: createAuthenticator({ profile: YUBIKEY.id, clock, seed: 'clock-yubikey', attestationCa: trust.ca }), origin: ORIGIN });
    const { ceremonyId, options } = await rp.startRegistration({ sessionId, attestation: 'direct' } as never);
    const code = await codeOf(rp.finishRegistration({ sessionId, ceremonyId, response: await client.create(options) }));
    return { code, stored: store.passkeys.listForAccount(1, { includeRevoked: true }).length };
  }

  it("control: the model's chain is accepted while its certificates are valid at the RP clock", async () => {
    expect(await enrollYubikey(Date.UTC(2026, 10, 30))).toEqual({ code: 'NO_ERROR', stored: 1 });
  });

  it("refuses the model's chain at an RP clock before its certificates are valid", async () => {
    expect(await enrollYubikey(Date.UTC(2024, 11, 31))).toEqual({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
  });
});
