import { X509Certificate } from 'node:crypto';
import { getCertificateInfo } from '@simplewebauthn/server/helpers';
import { HarnessError } from '../../errors.js';
import { escapeForDisplay } from '../escapeForDisplay.js';
import type { CborKey, CborValue } from '../../webauthn/cbor.js';
import type { CoseKey } from '../../webauthn/cose.js';

/**
 * The attestation type (WebAuthn L3 §6.5.3) each format's verification procedure returns: `basic`
 * for packed full attestation, fido-u2f (§8.6), android-key (§8.4) and android-safetynet (§8.5);
 * `attca` for tpm (§8.3, "attestation type AttCA"); `anonca` for apple (§8.8, "attestation type
 * Anonymization CA"); `self` and `none` carry no certificate. `attca` and `anonca` are the FIDO
 * Registry of Predefined Values §3.7 names (ATTESTATION_ATTCA, ATTESTATION_ANONCA); its name for
 * `basic` is `basic_full`.
 */
export type AttestationType = 'none' | 'self' | 'basic' | 'attca' | 'anonca';

/** None and self attestation: no certificate vouches for the model. */
export const isUnattested = (type: AttestationType): type is 'none' | 'self' => type === 'none' || type === 'self';

export interface CheckedStatement {
  type: AttestationType;
  /** The trust path, DER, leaf first: attStmt.x5c, or the JWS header x5c for android-safetynet (empty for none/self). */
  x5c: Uint8Array[];
}

const bad = (message: string): never => {
  throw new HarnessError('ATTESTATION_MALFORMED', message);
};

function certificateKey(der: Uint8Array, what: string): { type: string | undefined; curve: string | undefined } {
  try {
    const key = new X509Certificate(der).publicKey;
    return { type: key.asymmetricKeyType, curve: key.asymmetricKeyDetails?.namedCurve };
  } catch {
    return bad(`${what} is not an X.509 certificate`);
  }
}

function x5cOf(attStmt: Map<CborKey, CborValue>, fmt: string): Uint8Array[] | undefined {
  const x5c = attStmt.get('x5c');
  if (x5c === undefined) return undefined;
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => c instanceof Uint8Array)) bad(`${fmt} attStmt.x5c must be a non-empty array of certificates`);
  return x5c as Uint8Array[];
}

/**
 * Every x5c entry is a certificate, the leaf is no CA and every later one is (RFC 5280 §6.1.4 (k)):
 * the library's chain builder checks signatures only, so a leaf's key could otherwise sign a
 * "leaf" for any AAGUID that still chains to the vendor's root.
 */
function checkChainShape(x5c: Uint8Array[], fmt: string, where = 'attStmt.x5c'): void {
  x5c.forEach((der, i) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      return bad(`${fmt} ${where}[${i}] is not an X.509 certificate`);
    }
    if (i === 0 && cert.ca) bad(`${fmt} attestation certificate must not be a CA (basic constraints cA is true)`);
    if (i > 0 && !cert.ca) bad(`${fmt} ${where}[${i}] issues a certificate but is not a CA`);
  });
}

/** x5c as the formats without self attestation (tpm, android-key, apple) define it: present, leaf first, CAs after. */
function requiredChain(attStmt: Map<CborKey, CborValue>, fmt: string): Uint8Array[] {
  const x5c = x5cOf(attStmt, fmt);
  if (!x5c) return bad(`${fmt} attStmt.x5c must be present`);
  checkChainShape(x5c, fmt);
  return x5c;
}

const STANDARD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The certificates of a SafetyNet response: a compact JWS whose protected header's x5c holds
 * standard-base64 DER, leaf first (RFC 7515 §4.1.6). Only the header is read here; the payload
 * (nonce, timestamp) and the signature are the library's.
 */
function safetyNetChain(response: CborValue | undefined): Uint8Array[] {
  if (!(response instanceof Uint8Array)) return bad('android-safetynet attStmt.response must be a byte string');
  const parts = new TextDecoder().decode(response).split('.');
  if (parts.length !== 3) return bad('android-safetynet response is not a JWS in compact serialization');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    return bad('android-safetynet response header is not JSON');
  }
  const x5c = (header as { x5c?: unknown } | null)?.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => typeof c === 'string' && STANDARD_BASE64.test(c))) {
    return bad('android-safetynet response header x5c must be a non-empty array of base64 certificates');
  }
  return x5c.map((c: string) => new Uint8Array(Buffer.from(c, 'base64')));
}

/** The syntax of each format's attStmt (§8.2–§8.6, §8.8) has exactly these members; anything else is not that syntax. */
function onlyMembers(attStmt: Map<CborKey, CborValue>, fmt: string, allowed: readonly string[]): void {
  for (const key of attStmt.keys()) {
    if (typeof key !== 'string' || !allowed.includes(key)) bad(`${fmt} attStmt has unexpected member ${JSON.stringify(typeof key === 'string' ? key : String(key))}`);
  }
}

const OID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

/** §8.2.1: the id-fido-gen-ce-aaguid extension "MUST NOT be marked as critical" (the library compares only its value). */
function checkAaguidExtension(leaf: Uint8Array): void {
  let extensions: { extnID: string; critical: boolean }[];
  try {
    extensions = getCertificateInfo(leaf.slice()).parsedCertificate.tbsCertificate.extensions ?? [];
  } catch {
    return bad('packed attestation certificate cannot be parsed');
  }
  if (extensions.some((e) => e.extnID === OID_FIDO_GEN_CE_AAGUID && e.critical)) bad('packed attestation certificate marks the AAGUID extension critical');
}

/** Does this certificate key produce signatures of COSE algorithm `alg`? */
function keyFitsAlg(key: { type: string | undefined; curve: string | undefined }, alg: number): boolean {
  if (alg === -7) return key.type === 'ec' && key.curve === 'prime256v1';
  if (alg === -257) return key.type === 'rsa';
  if (alg === -8) return key.type === 'ed25519';
  return false;
}

/**
 * Consistency checks between an attestation statement and the credential key that
 * @simplewebauthn/server 14 does not make (it accepted all of these with a stored passkey):
 * - packed self attestation: `alg` must be the credential key's (WebAuthn §8.2.2 verification,
 *   "Validate that alg matches the algorithm of the credentialPublicKey in authenticatorData");
 * - packed full attestation: the leaf's key must be able to make `alg` signatures;
 * - fido-u2f: exactly one certificate, an EC P-256 one (§8.6 verification step 2), over an EC2
 *   P-256 credential key (step 3: publicKeyU2F = 0x04 ‖ x ‖ y needs 32-byte x and y);
 * - none: an empty statement (§8.7);
 * - tpm, android-key, apple: x5c is present (§8.3, §8.4, §8.8 have no self attestation); tpm is
 *   recorded as AttCA (§8.3) and apple as Anonymization CA (§8.8), so the metadata policy asks the
 *   model's MDS entry for the matching attestationTypes value;
 * - android-safetynet: its certificates are the JWS header's x5c (§8.5), recorded as Basic with
 *   them as the trust path, so the policy judges them like any other chain;
 * - every registered format: attStmt holds only its syntax's members, and the chain is a leaf
 *   (no CA) followed by CA certificates.
 */
export function checkAttestationStatement(options: { fmt: string; attStmt: Map<CborKey, CborValue>; credentialKey: CoseKey }): CheckedStatement {
  const { fmt, attStmt, credentialKey } = options;
  if (fmt === 'none') {
    if (attStmt.size !== 0) bad('none attestation must have an empty attStmt');
    return { type: 'none', x5c: [] };
  }
  if (fmt === 'packed') {
    const alg = attStmt.get('alg');
    if (typeof alg !== 'number') bad('packed attStmt.alg must be a COSE algorithm number');
    if (!(attStmt.get('sig') instanceof Uint8Array)) bad('packed attStmt.sig must be a byte string');
    if (attStmt.has('ecdaaKeyId')) bad('ECDAA attestation is not supported');
    onlyMembers(attStmt, 'packed', ['alg', 'sig', 'x5c']);
    const x5c = x5cOf(attStmt, 'packed');
    if (!x5c) {
      if (alg !== credentialKey.alg) bad(`packed self attestation alg ${String(alg)} differs from the credential key's algorithm ${credentialKey.alg}`);
      return { type: 'self', x5c: [] };
    }
    checkChainShape(x5c, 'packed');
    checkAaguidExtension(x5c[0]!);
    if (!keyFitsAlg(certificateKey(x5c[0]!, 'packed attestation certificate'), alg as number)) bad(`packed attestation certificate key cannot make ${String(alg)} signatures`);
    return { type: 'basic', x5c };
  }
  if (fmt === 'fido-u2f') {
    if (!(attStmt.get('sig') instanceof Uint8Array)) bad('fido-u2f attStmt.sig must be a byte string');
    onlyMembers(attStmt, 'fido-u2f', ['sig', 'x5c']);
    const x5c = x5cOf(attStmt, 'fido-u2f');
    if (!x5c || x5c.length !== 1) bad('fido-u2f attStmt.x5c must hold exactly one certificate');
    checkChainShape(x5c!, 'fido-u2f');
    const key = certificateKey(x5c![0]!, 'fido-u2f attestation certificate');
    if (key.type !== 'ec' || key.curve !== 'prime256v1') bad('fido-u2f attestation certificate key must be EC P-256');
    if (credentialKey.kty !== 2 || credentialKey.crv !== 1 || credentialKey.alg !== -7) bad('fido-u2f attestation requires an EC2 P-256 (ES256) credential key');
    return { type: 'basic', x5c: x5c! };
  }
  if (fmt === 'tpm') {
    // §8.3 syntax: ver "2.0", alg, x5c [aikCert, *caCert], sig, certInfo, pubArea (Level 3 has no ECDAA).
    if (attStmt.get('ver') !== '2.0') bad('tpm attStmt.ver must be "2.0"');
    if (typeof attStmt.get('alg') !== 'number') bad('tpm attStmt.alg must be a COSE algorithm number');
    for (const member of ['sig', 'certInfo', 'pubArea']) if (!(attStmt.get(member) instanceof Uint8Array)) bad(`tpm attStmt.${member} must be a byte string`);
    onlyMembers(attStmt, 'tpm', ['ver', 'alg', 'x5c', 'sig', 'certInfo', 'pubArea']);
    // §8.3 "Verify that x5c is present"; §8.3.1: aikCert's Basic Constraints CA is false; §8.3 returns AttCA.
    return { type: 'attca', x5c: requiredChain(attStmt, 'tpm') };
  }
  if (fmt === 'android-key') {
    // §8.4 syntax: alg, sig, x5c [credCert, *caCert]; the chain usually ends with Google's root itself.
    if (typeof attStmt.get('alg') !== 'number') bad('android-key attStmt.alg must be a COSE algorithm number');
    if (!(attStmt.get('sig') instanceof Uint8Array)) bad('android-key attStmt.sig must be a byte string');
    onlyMembers(attStmt, 'android-key', ['alg', 'sig', 'x5c']);
    return { type: 'basic', x5c: requiredChain(attStmt, 'android-key') };
  }
  if (fmt === 'apple') {
    // §8.8 syntax: x5c [credCert, *caCert] and nothing else; §8.8 returns Anonymization CA.
    onlyMembers(attStmt, 'apple', ['x5c']);
    return { type: 'anonca', x5c: requiredChain(attStmt, 'apple') };
  }
  if (fmt === 'android-safetynet') {
    // §8.5 syntax: ver, response; the trust path is the JWS header's x5c (§8.5 returns Basic with it).
    if (typeof attStmt.get('ver') !== 'string') bad('android-safetynet attStmt.ver must be a text string');
    onlyMembers(attStmt, 'android-safetynet', ['ver', 'response']);
    const x5c = safetyNetChain(attStmt.get('response'));
    checkChainShape(x5c, 'android-safetynet', 'response header x5c');
    return { type: 'basic', x5c };
  }
  // Any other fmt is not one WebAuthn §8 defines. Refused here, not left to the library: its CBOR decoder drops a
  // leading U+FEFF, so "\uFEFFnone" would reach it as "none" and pass.
  return bad(`attestation format "${escapeForDisplay(fmt)}" is not one WebAuthn defines (§8)`);
}
