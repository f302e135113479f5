import { nodeCrypto, type CredentialStore, type StoredCredential } from '../authenticator/index.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { COSEAlg, derChildren, derRead, encodeCoseKey, equalBytes, type CoseKey } from '../webauthn/index.js';
import { fromBase64 } from './cdpCommands.js';
import type { CdpCredential } from './cdpTypes.js';

export interface ImportCdpCredentialsResult {
  /** Credentials the browser created that the phone did not have (base64url ids). */
  added: string[];
  /** Credentials whose counter moved in the browser. */
  updated: string[];
  unchanged: number;
}

/**
 * Writes credentials read from a CDP virtual authenticator (`WebAuthn.getCredentials`) into a
 * phone's credential store: new ones are added (public key derived from the PKCS#8 private key,
 * since CDP does not return it), known ones get the browser's counter when it moved forward.
 * A known id whose private key differs is refused rather than overwritten.
 */
export function importCdpCredentials(options: {
  store: CredentialStore;
  credentials: readonly CdpCredential[];
  /** rpId for credentials that come back without one (CDP omits it for some non-resident keys). */
  defaultRpId?: string;
  clock?: Clock;
}): ImportCdpCredentialsResult {
  const { store, credentials, defaultRpId, clock = systemClock } = options;
  const result: ImportCdpCredentialsResult = { added: [], updated: [], unchanged: 0 };
  for (const cdp of credentials) {
    const id = fromBase64(cdp.credentialId);
    const idText = cdp.credentialId.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const privateKey = fromBase64(cdp.privateKey);
    const known = store.get(id);
    if (known) {
      if (!equalBytes(known.privateKey, privateKey)) {
        throw new HarnessError('VAULT_IMPORT_INVALID', `credential ${idText}: the browser holds a different private key for a known id`);
      }
      if (cdp.signCount !== known.signCount && cdp.signCount > known.signCount) {
        store.updateUsage(id, { signCount: cdp.signCount, lastUsedAt: clock.now() });
        result.updated.push(idText);
      } else {
        result.unchanged++;
      }
      continue;
    }
    const rpId = cdp.rpId ?? defaultRpId;
    if (!rpId) throw new HarnessError('VAULT_IMPORT_INVALID', `credential ${idText} has no rpId`);
    const { alg, publicKey } = publicKeyOf(privateKey, idText);
    const now = clock.now();
    const stored: StoredCredential = {
      id,
      rpId,
      userHandle: cdp.userHandle ? fromBase64(cdp.userHandle) : null,
      userName: cdp.userName || null,
      userDisplayName: cdp.userDisplayName || null,
      alg,
      privateKey,
      publicKey: encodeCoseKey(publicKey),
      signCount: cdp.signCount,
      discoverable: cdp.isResidentCredential,
      createdAt: now,
      lastUsedAt: cdp.signCount > 0 ? now : null,
    };
    store.put(stored);
    result.added.push(idText);
  }
  return result;
}

/** SPKI heads of the fixed-size public keys: P-256 (uncompressed point follows) and Ed25519 (32 bytes follow). */
const P256_SPKI_HEAD = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const ED25519_SPKI_HEAD = Buffer.from('302a300506032b6570032100', 'hex');

/** Big-endian magnitude of a DER INTEGER (its sign byte dropped). */
const magnitude = (v: Uint8Array) => (v.length > 1 && v[0] === 0 ? v.subarray(1) : v);

/**
 * The COSE public key of a PKCS#8 private key (P-256, Ed25519 or RSA). Read from DER exports, never
 * a JWK export: on Node 20.20.2 `export({ format: 'jwk' })` of an EC key can deadlock (it holds the
 * key's mutex while it allocates, and a GC finalising an object that shares the key takes it too).
 */
export function publicKeyOf(pkcs8: Uint8Array, what = 'credential'): { alg: COSEAlg; publicKey: CoseKey } {
  const crypto = nodeCrypto();
  let key: import('node:crypto').KeyObject;
  try {
    key = crypto.createPublicKey(crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }));
  } catch (cause) {
    throw new HarnessError('VAULT_IMPORT_INVALID', `${what}: private key is not valid PKCS#8`, { cause });
  }
  const type = key.asymmetricKeyType;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    const spki = key.export({ format: 'der', type: 'spki' });
    if (spki.length === P256_SPKI_HEAD.length + 65 && spki.subarray(0, P256_SPKI_HEAD.length).equals(P256_SPKI_HEAD) && spki[P256_SPKI_HEAD.length] === 0x04) {
      const point = spki.subarray(P256_SPKI_HEAD.length + 1);
      return { alg: COSEAlg.ES256, publicKey: { kty: 2, alg: -7, crv: 1, x: Uint8Array.from(point.subarray(0, 32)), y: Uint8Array.from(point.subarray(32)) } };
    }
  }
  if (type === 'ed25519') {
    const spki = key.export({ format: 'der', type: 'spki' });
    if (spki.length === ED25519_SPKI_HEAD.length + 32 && spki.subarray(0, ED25519_SPKI_HEAD.length).equals(ED25519_SPKI_HEAD)) {
      return { alg: COSEAlg.EdDSA, publicKey: { kty: 1, alg: -8, crv: 6, x: Uint8Array.from(spki.subarray(ED25519_SPKI_HEAD.length)) } };
    }
  }
  if (type === 'rsa') {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
    const [n, e] = derChildren(derRead(key.export({ format: 'der', type: 'pkcs1' }), 0, `${what}: RSA public key`), `${what}: RSA public key`);
    if (n?.tag === 0x02 && e?.tag === 0x02) return { alg: COSEAlg.RS256, publicKey: { kty: 3, alg: -257, n: Uint8Array.from(magnitude(n.value)), e: Uint8Array.from(magnitude(e.value)) } };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new HarnessError('VAULT_IMPORT_INVALID', `${what}: unsupported key type ${type ?? 'unknown'}${curve ? ` ${curve}` : ''}`);
}
