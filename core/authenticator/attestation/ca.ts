import type * as X509 from '@peculiar/x509';
import { HarnessError } from '../../errors.js';
import { systemClock, type Clock } from '../../clock.js';
import { systemRandom, type Random } from '../../random.js';
import { bytesToHex, concatBytes, COSEAlg } from '../../webauthn/index.js';
import type { CryptoBackend, PrivateKeyHandle } from '../crypto/backend.js';
import { deriveEcKey } from '../crypto/keys.js';
import { nobleBackend } from '../crypto/noble.js';
import { nodeCrypto } from '../crypto/node.js';
import { aaguidToBytes } from '../profiles.js';

/** FIDO id-fido-gen-ce-aaguid: the certificate names the authenticator model it attests. */
export const OID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

export interface AttestationCert {
  /** Leaf certificate DER (x5c[0]). */
  certificate: Uint8Array;
  /** ES256 attestation key, imported into the backend that signs attestation statements. */
  key: PrivateKeyHandle;
  /** Intermediates between the leaf and the root, leaf's issuer first (x5c[1…]); the root never travels. */
  chain?: Uint8Array[];
}

export interface AttestationCa {
  /** Root certificate DER: give this (or `rootPem`) to an RP as a trust anchor. */
  rootCertificate: Uint8Array;
  rootPem: string;
  /** A packed attestation certificate for an AAGUID (WebAuthn §8.2.1 requirements). */
  packedCertificate(aaguid: string): Promise<AttestationCert>;
  /** A FIDO U2F attestation certificate (ES256 only). */
  u2fCertificate(): Promise<AttestationCert>;
}

export interface CreateAttestationCaOptions {
  /** Seeded randomness gives reproducible keys (WebCrypto's ECDSA signatures still vary). */
  random?: Random;
  clock?: Clock;
  backend?: CryptoBackend;
  /** Organisation in the certificate subjects. */
  organization?: string;
}

type WebCrypto = NonNullable<Parameters<typeof X509.X509CertificateGenerator.create>[1]>;
type KeyPair = Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[0]['keys'];

/**
 * @peculiar/x509 (with tsyringe and its ASN.1 stack) is loaded only when a CA is first needed:
 * most runs use 'none' attestation, and start-up time matters for the CLI and for child processes.
 * Its Node (CJS) build uses tsyringe, which needs the Reflect polyfill loaded first.
 */
let x509Module: Promise<typeof X509> | undefined;
function loadX509(): Promise<typeof X509> {
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

function webcrypto(): WebCrypto {
  return nodeCrypto().webcrypto as unknown as WebCrypto;
}

async function importEs256(pkcs8: Uint8Array): Promise<KeyPair> {
  const subtle = nodeCrypto().webcrypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const jwk = await subtle.exportKey('jwk', privateKey);
  delete jwk.d;
  jwk.key_ops = ['verify'];
  const publicKey = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  return { privateKey, publicKey } as unknown as KeyPair;
}

function serial(random: Random): string {
  const bytes = random.bytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytesToHex(bytes);
}

/**
 * A harness-generated attestation CA (root → attestation leaf). Its root is exportable, so an RP
 * under test can trust exactly this harness and nothing else.
 */
export async function createAttestationCa(options: CreateAttestationCaOptions = {}): Promise<AttestationCa> {
  const { random = systemRandom, clock = systemClock, backend = nobleBackend, organization = 'Passkey Harness' } = options;
  const x509 = await loadX509();
  const crypto = webcrypto();
  const notBefore = new Date(clock.now() - 24 * 3600_000);
  const notAfter = new Date(clock.now() + 10 * 365 * 24 * 3600_000);
  const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' };
  const rootMaterial = deriveEcKey(COSEAlg.ES256, random.bytes(48));
  const rootKeys = await importEs256(rootMaterial.pkcs8);
  const root = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(random),
      name: `C=US, O=${organization}, OU=Authenticator Attestation CA, CN=${organization} Attestation Root`,
      notBefore,
      notAfter,
      keys: rootKeys,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  async function issue(subject: string, extra: X509.Extension[]): Promise<AttestationCert> {
    const material = deriveEcKey(COSEAlg.ES256, random.bytes(48));
    const keys = await importEs256(material.pkcs8);
    const cert = await x509.X509CertificateGenerator.create(
      {
        serialNumber: serial(random),
        subject,
        issuer: root.subject,
        notBefore,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: rootKeys.privateKey,
        signingAlgorithm,
        extensions: [
          // WebAuthn §8.2.1: "The Basic Constraints extension MUST have the CA component set to false."
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey, false, crypto),
          ...extra,
        ],
      },
      crypto,
    );
    return { certificate: new Uint8Array(cert.rawData), key: backend.importPrivateKey(COSEAlg.ES256, material.pkcs8) };
  }

  const packed = new Map<string, Promise<AttestationCert>>();
  let u2f: Promise<AttestationCert> | undefined;
  return {
    rootCertificate: new Uint8Array(root.rawData),
    rootPem: root.toString('pem'),
    packedCertificate(aaguid) {
      let found = packed.get(aaguid);
      if (!found) {
        // §8.2.1: subject C, O, OU = "Authenticator Attestation", CN; the AAGUID extension is an
        // OCTET STRING wrapping the 16 AAGUID bytes, and must not be critical.
        const value = concatBytes(Uint8Array.of(0x04, 0x10), aaguidToBytes(aaguid));
        found = issue(`C=US, O=${organization}, OU=Authenticator Attestation, CN=${organization} Authenticator ${aaguid.slice(0, 8)}`, [
          new x509.Extension(OID_FIDO_GEN_CE_AAGUID, false, value),
        ]);
        packed.set(aaguid, found);
      }
      return found;
    },
    u2fCertificate() {
      u2f ??= issue(`C=US, O=${organization}, CN=${organization} U2F Attestation`, []);
      return u2f;
    },
  };
}

let shared: Promise<AttestationCa> | undefined;

/** One CA per process, used when an authenticator needs x5c and none was supplied. */
export function defaultAttestationCa(): Promise<AttestationCa> {
  shared ??= createAttestationCa().catch((cause: unknown) => {
    shared = undefined;
    throw new HarnessError('INTERNAL', 'could not create the attestation CA', { cause });
  });
  return shared;
}
