// @peculiar/x509 needs the reflect polyfill loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { builtInProfiles, createAuthenticator } from '../../../core/authenticator/index.js';
import { createClient } from '../../../core/client/index.js';
import { ManualClock } from '../../../core/clock.js';
import { HarnessError } from '../../../core/errors.js';
import { LEGAL_HEADER, metadataStatementFor, openHarnessTrust, signJws, type MDSJWTPayload, type MetadataStatement } from '../../../core/mds/index.js';
import { seededRandom } from '../../../core/random.js';
import type { PasskeyAttestation } from '../../../core/rp/attestation/types.js';
import { createRelyingParty } from '../../../core/rp/index.js';
import { openStore } from '../../../core/store/openStore.js';
import { AAGUID, aikCert, apple, attested, credentialKey, der, hostileCa, issue, libraryTrusts, restoreLibraryRoots, ROOT_SUBJECT, tpm, type Issued } from './attestationBuilders.js';
import { loginAndStepUp, ORIGIN, RP_ID, seedCustomer, type Env } from './support.js';

/**
 * Under `attestationPolicy: 'metadata'` the model's MDS entry must list the attestation type the
 * statement is: WebAuthn L3 §8.3 returns AttCA for tpm and §8.8 Anonymization CA for apple, which
 * the FIDO Registry of Predefined Values §3.7 names `attca` and `anonca` (metadata statements of
 * real TPM and Apple models list those, not `basic_full`); packed full attestation stays Basic,
 * `basic_full`. The statements are the hostile tester's (attestationBuilders.ts), its MDS BLOB is
 * signed under an MDS root of its own that the RP pins.
 */
afterEach(restoreLibraryRoots);

type MdsType = MetadataStatement['attestationTypes'][number];

/** An MDS root, a BLOB signer under it, and BLOBs (MDS3 §3.1.7: compact JWS, ES256, x5c header) it signs. */
async function testerMds() {
  const root = await issue({ subject: 'C=JP, O=Hostile Tester, CN=Tester MDS Root', ca: true });
  const signer = await issue({ subject: 'C=JP, O=Hostile Tester, CN=Tester MDS BLOB Signer', issuer: root, ca: false });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', signer.keys.privateKey));
  return { rootPem: root.cert.toString('pem'), sign: (payload: MDSJWTPayload) => signJws({ payload, x5c: [der(signer)], pkcs8 }) };
}

/**
 * A BLOB with one certified entry for the tester's AAGUID, anchored at `attestationRoot`: the
 * statement's other fields are the harness's (a cross-platform key, ES256 among its algorithms).
 */
function payloadFor(attestationRoot: Issued, attestationTypes: MdsType[], description: string): MDSJWTPayload {
  const metadataStatement: MetadataStatement = { ...metadataStatementFor(builtInProfiles['yubikey-5']!, der(attestationRoot)), aaguid: AAGUID, description, attestationTypes };
  return {
    legalHeader: LEGAL_HEADER,
    no: 1,
    nextUpdate: '2026-02-01',
    entries: [{ aaguid: AAGUID, metadataStatement, statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2025-06-01' }], timeOfLastStatusChange: '2025-06-01' }],
  };
}

/** An RP (clock 2026-01-01) under the metadata policy, pinning `mdsRootPem` and reading `blob`. */
function metadataRp(mdsRootPem: string, blob: string): Env {
  const clock = new ManualClock();
  const store = openStore({ path: ':memory:' });
  const rp = createRelyingParty({
    store,
    rpId: RP_ID,
    rpName: 'YM証券',
    origins: [ORIGIN],
    clock,
    random: seededRandom('attestation-metadata-types'),
    policy: { scryptCost: 1024, attestationPolicy: 'metadata' },
    trust: { attestationRoots: [], mdsRoots: [mdsRootPem], metadata: { blob: () => blob } },
  });
  return { clock, store, rp };
}

/** The outcome of a registration: its code, the refusal's message, and the stored attestation decision. */
async function outcome(env: Env, run: () => Promise<unknown>) {
  let code = 'NO_ERROR';
  let message = '';
  try {
    await run();
  } catch (error) {
    if (!(error instanceof HarnessError)) throw error;
    code = error.code;
    message = error.message;
  }
  const rows = env.store.passkeys.listForAccount(1, { includeRevoked: true });
  return { code, message, stored: rows.length, attestation: rows[0]?.attestation as PasskeyAttestation | undefined };
}

async function registerTpm(attestationTypes: MdsType[]) {
  const { root, intermediate } = await hostileCa();
  const mds = await testerMds();
  const env = metadataRp(mds.rootPem, mds.sign(payloadFor(root, attestationTypes, 'Hostile TPM')));
  const aik = await aikCert(intermediate);
  const credential = await credentialKey();
  const r = await attested(env, credential, tpm(aik, [aik, intermediate], credential));
  return outcome(env, () => env.rp.finishRegistration(r));
}

async function registerApple(attestationTypes: MdsType[]) {
  const { root, intermediate } = await hostileCa();
  libraryTrusts('apple', root);
  const mds = await testerMds();
  const env = metadataRp(mds.rootPem, mds.sign(payloadFor(root, attestationTypes, 'Hostile Apple')));
  const credential = await credentialKey();
  const r = await attested(env, credential, apple(credential, intermediate, [intermediate]));
  return outcome(env, () => env.rp.finishRegistration(r));
}

describe('tpm under the metadata policy (WebAuthn §8.3: attestation type AttCA)', () => {
  it('accepts a TPM whose metadata lists attca, recorded as attca with its anchor', async () => {
    expect(await registerTpm(['attca'])).toMatchObject({ code: 'NO_ERROR', stored: 1, attestation: { fmt: 'tpm', type: 'attca', policy: 'metadata', trustPath: 'trusted', anchor: ROOT_SUBJECT, metadata: { description: 'Hostile TPM' } } });
  });

  it('refuses a TPM whose metadata lists only basic_full, naming attca', async () => {
    const result = await registerTpm(['basic_full']);
    expect(result).toMatchObject({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
    expect(result.message).toMatch(/does not list attca attestation/);
  });
});

describe('apple under the metadata policy (WebAuthn §8.8: attestation type Anonymization CA)', () => {
  it('accepts an Apple model whose metadata lists anonca, recorded as anonca with its anchor', async () => {
    expect(await registerApple(['anonca'])).toMatchObject({ code: 'NO_ERROR', stored: 1, attestation: { fmt: 'apple', type: 'anonca', policy: 'metadata', trustPath: 'trusted', anchor: ROOT_SUBJECT, metadata: { description: 'Hostile Apple' } } });
  });

  it('refuses an Apple model whose metadata lists only basic_full, naming anonca', async () => {
    const result = await registerApple(['basic_full']);
    expect(result).toMatchObject({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
    expect(result.message).toMatch(/does not list anonca attestation/);
  });
});

describe('packed under the metadata policy (WebAuthn §8.2: Basic) still needs basic_full', () => {
  const YUBIKEY = builtInProfiles['yubikey-5']!;

  /** A genuine harness yubikey enrolled at an RP reading `blob` (default: the harness MDS's own, which lists basic_full). */
  async function enrollYubikey(blob?: (payload: MDSJWTPayload) => Promise<{ rootPem: string; blob: string }>) {
    const clock = new ManualClock();
    const trust = await openHarnessTrust({ seed: 'attestation-metadata-types', clock });
    const source = blob ? await blob(trust.mds.payload()) : { rootPem: trust.mds.rootPem, blob: await trust.mds.blob() };
    const env = metadataRp(source.rootPem, source.blob);
    seedCustomer(env);
    const sessionId = await loginAndStepUp(env);
    const client = createClient({ authenticator: createAuthenticator({ profile: YUBIKEY.id, clock: env.clock, seed: 'metadata-types-yubikey', attestationCa: trust.ca }), origin: ORIGIN });
    const { ceremonyId, options } = await env.rp.startRegistration({ sessionId, attestation: 'direct' } as never);
    const response = await client.create(options);
    return outcome(env, () => env.rp.finishRegistration({ sessionId, ceremonyId, response }));
  }

  it('control: the harness yubikey with its default MDS entry (basic_full) is accepted, recorded as basic', async () => {
    expect(await enrollYubikey()).toMatchObject({ code: 'NO_ERROR', stored: 1, attestation: { fmt: 'packed', type: 'basic', trustPath: 'trusted' } });
  });

  it('refuses a packed statement whose metadata lists attca and anonca but not basic_full, naming basic_full', async () => {
    const result = await enrollYubikey(async (payload) => {
      const mds = await testerMds();
      const entries = payload.entries.map((e) => (e.aaguid === YUBIKEY.aaguid ? { ...e, metadataStatement: { ...e.metadataStatement!, attestationTypes: ['attca', 'anonca'] as MdsType[] } } : e));
      return { rootPem: mds.rootPem, blob: mds.sign({ ...payload, entries }) };
    });
    expect(result).toMatchObject({ code: 'ATTESTATION_UNTRUSTED', stored: 0 });
    expect(result.message).toMatch(/does not list basic_full attestation for this model, which a packed statement needs \(listed: attca, anonca\)/);
  });
});
