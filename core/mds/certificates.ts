import { X509Certificate, createPrivateKey, createPublicKey, hkdfSync, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { p256 } from '@noble/curves/nist.js';
import { nobleBackend, nodeBackend } from '../authenticator/index.js';
import { setBounded } from '../boundedMap.js';
import { COSEAlg } from '../webauthn/index.js';

/** FIDO id-fido-gen-ce-aaguid (WebAuthn §8.2.1): the certificate names the model it attests. */
export const OID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

type WebCrypto = NonNullable<Parameters<typeof X509.X509CertificateGenerator.create>[1]>;
type KeyPair = Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[0]['keys'];

let x509Module: Promise<typeof X509> | undefined;
/** Loaded on first use: most runs never issue a certificate (tsyringe needs reflect-metadata first). */
export function loadX509(): Promise<typeof X509> {
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

/** A P-256 key derived from the installation secret and a label (HKDF-SHA256), as PKCS#8. */
export interface DerivedKey {
  label: string;
  pkcs8: Uint8Array;
}

export function deriveBytes(secret: Uint8Array, label: string, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), `passkey-harness trust ${label}`, length));
}

export function deriveKey(secret: Uint8Array, label: string): DerivedKey {
  return { label, pkcs8: nodeBackend.generateKeyPair(COSEAlg.ES256, deriveBytes(secret, `key ${label}`, 48)).pkcs8 };
}

async function webKeys(pkcs8: Uint8Array): Promise<KeyPair> {
  const subtle = webcrypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', new Uint8Array(pkcs8), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const jwk = await subtle.exportKey('jwk', privateKey);
  delete jwk.d;
  jwk.key_ops = ['verify'];
  const publicKey = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  return { privateKey, publicKey } as unknown as KeyPair;
}

export interface IssueOptions {
  /** RFC 4514-style name, e.g. `C=US, O=Passkey Harness, OU=Authenticator Attestation, CN=…`. */
  subject: string;
  key: DerivedKey;
  /** Omitted: self-signed (a root). */
  issuer?: { name: string; key: DerivedKey };
  /** Deterministic serial: derived from the secret and the key's label. */
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** CA certificates get keyCertSign; leaves digitalSignature only. */
  ca: boolean;
  pathLength?: number;
  /** Extra non-critical extensions as (OID, DER value). */
  extensions?: { oid: string; value: Uint8Array }[];
}

/**
 * WebCrypto with one change: ECDSA signatures by `signer` are RFC 6979 (noble), not randomised, so a
 * certificate issued twice from the same secret is byte-identical — seeded runs replay their x5c.
 */
function deterministicSigner(signer: DerivedKey): WebCrypto {
  const secret = nobleBackend.importPrivateKey(COSEAlg.ES256, signer.pkcs8).inner as Uint8Array;
  const sign = async (_algorithm: unknown, _key: unknown, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer> => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // WebCrypto's ECDSA output is IEEE P1363 (r ‖ s); @peculiar/x509 turns it into DER.
    return p256.sign(bytes, secret, { prehash: true, format: 'compact' }).slice().buffer;
  };
  const subtle = new Proxy(webcrypto.subtle, {
    get(target, property) {
      if (property === 'sign') return sign;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { subtle, getRandomValues: webcrypto.getRandomValues.bind(webcrypto), randomUUID: webcrypto.randomUUID.bind(webcrypto) } as unknown as WebCrypto;
}

/** One X.509 v3 certificate (ECDSA P-256 / SHA-256), DER. SKI on every certificate, AKI on issued ones. */
export async function issueCertificate(options: IssueOptions): Promise<Uint8Array> {
  const x509 = await loadX509();
  const crypto = webcrypto as unknown as WebCrypto;
  const keys = await webKeys(options.key.pkcs8);
  const issuerKeys = options.issuer ? await webKeys(options.issuer.key.pkcs8) : keys;
  const serial = options.serial.slice(0, 16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const extensions: X509.Extension[] = [
    // WebAuthn §8.2.1: "The Basic Constraints extension MUST have the CA component set to false" (leaves).
    new x509.BasicConstraintsExtension(options.ca, options.ca ? options.pathLength : undefined, true),
    new x509.KeyUsagesExtension(options.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ...(options.issuer ? [await x509.AuthorityKeyIdentifierExtension.create(issuerKeys.publicKey, false, crypto)] : []),
    ...(options.extensions ?? []).map((e) => new x509.Extension(e.oid, false, new Uint8Array(e.value))),
  ];
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: Buffer.from(serial).toString('hex'),
      subject: options.subject,
      issuer: options.issuer?.name ?? options.subject,
      notBefore: options.notBefore,
      notAfter: options.notAfter,
      publicKey: keys.publicKey,
      signingKey: issuerKeys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions,
    },
    deterministicSigner(options.issuer?.key ?? options.key),
  );
  return new Uint8Array(cert.rawData);
}

export function derToPem(der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** Pairs already found to match (a scenario world opens the same MDS certificates every time). */
const matchingPairs = new Map<string, true>();
const MATCHING_PAIRS_MAX = 64;

/** The certificate's SubjectPublicKeyInfo equals this key's: a cached certificate still belongs to the secret. */
export function certificateMatchesKey(der: Uint8Array, key: DerivedKey): boolean {
  const pair = `${Buffer.from(der).toString('base64')}|${Buffer.from(key.pkcs8).toString('base64')}`;
  if (matchingPairs.has(pair)) return true;
  try {
    const fromCert = new X509Certificate(Buffer.from(der)).publicKey.export({ format: 'der', type: 'spki' });
    const matches = Buffer.compare(fromCert, publicSpki(key)) === 0;
    if (matches) setBounded(matchingPairs, pair, true, MATCHING_PAIRS_MAX);
    return matches;
  } catch {
    return false;
  }
}

export function publicSpki(key: DerivedKey): Buffer {
  return createPublicKey(createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
}
