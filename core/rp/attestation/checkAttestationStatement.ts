import { X509Certificate } from 'node:crypto';
import { getCertificateInfo } from '@simplewebauthn/server/helpers';
import { HarnessError } from '../../errors.js';
import type { CborKey, CborValue } from '../../webauthn/cbor.js';
import type { CoseKey } from '../../webauthn/cose.js';

export type AttestationType = 'none' | 'self' | 'basic';

export interface CheckedStatement {
  type: AttestationType;
  /** x5c DER, leaf first (empty for none/self). */
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
function checkChainShape(x5c: Uint8Array[], fmt: string): void {
  x5c.forEach((der, i) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      return bad(`${fmt} attStmt.x5c[${i}] is not an X.509 certificate`);
    }
    if (i === 0 && cert.ca) bad(`${fmt} attestation certificate must not be a CA (basic constraints cA is true)`);
    if (i > 0 && !cert.ca) bad(`${fmt} attStmt.x5c[${i}] issues a certificate but is not a CA`);
  });
}

/** The syntax of each format's attStmt (§8.2, §8.6) has exactly these members; anything else is not that syntax. */
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
 * - every format we check: attStmt holds only its syntax's members, and x5c is a leaf (no CA)
 *   followed by CA certificates.
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
  // Formats we do not produce (tpm, android-key, apple…) are left to @simplewebauthn/server.
  const x5c = x5cOf(attStmt, fmt);
  return { type: x5c ? 'basic' : 'self', x5c: x5c ?? [] };
}
