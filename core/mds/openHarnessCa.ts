import { aaguidToBytes, builtInProfiles, nobleBackend, type AttestationCa, type AttestationCert, type CryptoBackend } from '../authenticator/index.js';
import { HarnessError } from '../errors.js';
import { COSEAlg, concatBytes } from '../webauthn/index.js';
import { certificateMatchesKey, deriveBytes, deriveKey, derToPem, issueCertificate, OID_FIDO_GEN_CE_AAGUID, type DerivedKey } from './certificates.js';
import type { TrustMaterial } from './trustFile.js';

const ORG = 'Passkey Harness';
const YEARS_20 = 20 * 365 * 24 * 3600_000;

/** A profile's attestation chain, leaf first (what x5c carries) and the root that anchors it. */
export interface AttestationChain {
  profile: string | null;
  aaguid: string | null;
  /** x5c order: leaf, then intermediates. */
  x5c: Uint8Array[];
  root: Uint8Array;
}

export interface HarnessCa extends AttestationCa {
  /** The chain a profile's attestation carries (packed: leaf + per-model intermediate; fido-u2f: leaf). */
  chainFor(profileId: string): Promise<AttestationChain>;
}

/** Certificate subject values must not smuggle RDN separators. */
function safe(text: string): string {
  return text.replace(/[,=+<>#;\\"]/g, ' ').replace(/\s+/g, ' ').trim();
}

function labelFor(aaguid: string): string {
  const profile = Object.values(builtInProfiles).find((p) => p.aaguid === aaguid);
  return safe(profile ? profile.label : `AAGUID ${aaguid.slice(0, 8)}`);
}

/**
 * The installation's attestation CA: root → per-model intermediate → packed leaf (WebAuthn §8.2.1),
 * root → U2F leaf (§8.6: x5c holds exactly one certificate). Keys are derived from the trust
 * secret; certificates are issued once and cached in the trust material.
 */
export async function openHarnessCa(options: { material: TrustMaterial; backend?: CryptoBackend }): Promise<HarnessCa> {
  const { material, backend = nobleBackend } = options;
  const notBefore = new Date(material.notBefore);
  const notAfter = new Date(material.notBefore + YEARS_20);
  const rootKey = deriveKey(material.secret, 'attestation-root');
  const rootName = `C=US, O=${ORG}, OU=Authenticator Attestation CA, CN=${ORG} Attestation Root`;
  const pending = new Map<string, Promise<Uint8Array>>();

  function cached(name: string, key: DerivedKey, issue: () => Promise<Uint8Array>): Promise<Uint8Array> {
    let found = pending.get(name);
    if (!found) {
      const existing = material.certificate(name);
      found = existing && certificateMatchesKey(existing, key)
        ? Promise.resolve(existing)
        : issue().then((der) => material.remember(name, der));
      found.catch(() => pending.delete(name));
      pending.set(name, found);
    }
    return found;
  }

  const serial = (label: string): Uint8Array => deriveBytes(material.secret, `serial ${label}`, 16);
  const root = (): Promise<Uint8Array> =>
    cached('attestation-root', rootKey, () => issueCertificate({ subject: rootName, key: rootKey, serial: serial('attestation-root'), notBefore, notAfter, ca: true }));

  function intermediate(aaguid: string): { name: string; key: DerivedKey; der: () => Promise<Uint8Array> } {
    const key = deriveKey(material.secret, `attestation-ca ${aaguid}`);
    const name = `C=US, O=${ORG}, OU=Authenticator Attestation CA, CN=${ORG} ${labelFor(aaguid)} CA`;
    return {
      name,
      key,
      der: () => cached(`attestation-ca:${aaguid}`, key, () => issueCertificate({ subject: name, key, issuer: { name: rootName, key: rootKey }, serial: serial(`attestation-ca ${aaguid}`), notBefore, notAfter, ca: true, pathLength: 0 })),
    };
  }

  async function packed(aaguid: string): Promise<AttestationCert & { chain: Uint8Array[] }> {
    aaguidToBytes(aaguid);
    const ca = intermediate(aaguid);
    const key = deriveKey(material.secret, `attestation-leaf ${aaguid}`);
    // §8.2.1: subject C, O, OU = "Authenticator Attestation", CN; the AAGUID extension is an
    // OCTET STRING wrapping the 16 AAGUID bytes and must not be critical.
    const leaf = await cached(`attestation-leaf:${aaguid}`, key, async () => {
      await ca.der();
      return issueCertificate({
        subject: `C=US, O=${ORG}, OU=Authenticator Attestation, CN=${ORG} ${labelFor(aaguid)}`,
        key,
        issuer: { name: ca.name, key: ca.key },
        serial: serial(`attestation-leaf ${aaguid}`),
        notBefore,
        notAfter,
        ca: false,
        extensions: [{ oid: OID_FIDO_GEN_CE_AAGUID, value: concatBytes(Uint8Array.of(0x04, 0x10), aaguidToBytes(aaguid)) }],
      });
    });
    return { certificate: leaf, chain: [await ca.der()], key: backend.importPrivateKey(COSEAlg.ES256, key.pkcs8) };
  }

  async function u2f(): Promise<AttestationCert & { chain: Uint8Array[] }> {
    const key = deriveKey(material.secret, 'attestation-u2f');
    const leaf = await cached('attestation-u2f', key, async () =>
      issueCertificate({
        subject: `C=US, O=${ORG}, OU=Authenticator Attestation, CN=${ORG} U2F Attestation`,
        key,
        issuer: { name: rootName, key: rootKey },
        serial: serial('attestation-u2f'),
        notBefore,
        notAfter,
        ca: false,
      }),
    );
    return { certificate: leaf, chain: [], key: backend.importPrivateKey(COSEAlg.ES256, key.pkcs8) };
  }

  const rootDer = await root();
  return {
    rootCertificate: rootDer,
    rootPem: derToPem(rootDer),
    packedCertificate: packed,
    u2fCertificate: u2f,
    async chainFor(profileId) {
      const profile = builtInProfiles[profileId];
      if (!profile) throw new HarnessError('PROFILE_UNKNOWN', `unknown device profile "${profileId}"`, { details: { known: Object.keys(builtInProfiles) } });
      if (profile.attestation === 'fido-u2f') return { profile: profileId, aaguid: null, x5c: [(await u2f()).certificate], root: rootDer };
      const cert = await packed(profile.aaguid);
      return { profile: profileId, aaguid: profile.aaguid, x5c: [cert.certificate, ...cert.chain], root: rootDer };
    },
  };
}
