// @peculiar/x509 needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { KeyDescription } from '@peculiar/asn1-android';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as x509 from '@peculiar/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { seededRandom } from '../../../core/random.js';
import { createRelyingParty, type RpPolicy } from '../../../core/rp/index.js';
import { openStore } from '../../../core/store/openStore.js';
import type { CborKey, CborValue } from '../../../core/webauthn/cbor.js';
import { concatBytes } from '../../../core/webauthn/index.js';
import { sha256 } from '../../../core/webauthn/hash.js';
import { aikCert, apple, attested, credentialKey, der, finish, hostileCa, issue, libraryTrusts, restoreLibraryRoots, ROOT_SUBJECT, signDer, tpm, withExtra, type Build, type Credential, type Issued } from './attestationBuilders.js';
import { ORIGIN, RP_ID, type Env } from './support.js';

/**
 * The formats the harness does not produce (WebAuthn L3 §8.3 tpm, §8.4 android-key, §8.5
 * android-safetynet, §8.8 apple), built by a hostile client with its own CA and signed correctly
 * over the right data: the library is told to trust that CA for the format (SettingsService), so
 * only our own checks can refuse what is wrong. A control shows the same construction without the
 * flaw is accepted.
 */
afterEach(restoreLibraryRoots);

function setupTrusting(rootPem: string, policy: Partial<RpPolicy> = {}): Env {
  const clock = new ManualClock();
  const store = openStore({ path: ':memory:' });
  const rp = createRelyingParty({ store, rpId: RP_ID, rpName: 'YM証券', origins: [ORIGIN], clock, random: seededRandom('attestation-formats'), policy: { scryptCost: 1024, ...policy }, trust: { attestationRoots: [rootPem] } });
  return { clock, store, rp };
}

describe('tpm (WebAuthn §8.3, §8.3.1)', () => {
  it('control: an AIK certificate under an intermediate CA of the trusted root is accepted, recorded with its anchor', async () => {
    const { intermediate, rootPem } = await hostileCa();
    const aik = await aikCert(intermediate);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, tpm(aik, [aik, intermediate], credential)))).toMatchObject({ code: 'NO_ERROR', stored: 1, attestation: { fmt: 'tpm', type: 'attca', trustPath: 'trusted', anchor: ROOT_SUBJECT } });
  });

  it("rejects an AIK certificate issued by another AIK (x5c[1] is no CA): one TPM's attestation key cannot vouch for others", async () => {
    const { intermediate, rootPem } = await hostileCa();
    const genuineAik = await aikCert(intermediate);
    const forged = await aikCert(genuineAik);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, tpm(forged, [forged, genuineAik, intermediate], credential)))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
  });

  it('rejects a ver other than "2.0" as malformed (the library would only fail it later, as VERIFICATION_FAILED)', async () => {
    const { intermediate, rootPem } = await hostileCa();
    const aik = await aikCert(intermediate);
    const credential = await credentialKey();
    for (const ver of ['1.2', 2, '2.0 ']) {
      const env = setupTrusting(rootPem);
      expect(await finish(env, await attested(env, credential, withExtra(tpm(aik, [aik, intermediate], credential), ['ver', ver])))).toMatchObject({ code: 'ATTESTATION_MALFORMED', stored: 0 });
    }
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
  it('control: a credCert under an intermediate CA of the trusted root is accepted, recorded with its anchor', async () => {
    const { root, intermediate, rootPem } = await hostileCa();
    libraryTrusts('apple', root);
    const credential = await credentialKey();
    const env = setupTrusting(rootPem);
    expect(await finish(env, await attested(env, credential, apple(credential, intermediate, [intermediate])))).toMatchObject({
      code: 'NO_ERROR',
      stored: 1,
      attestation: { fmt: 'apple', type: 'anonca', trustPath: 'trusted', anchor: ROOT_SUBJECT },
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
