import { nodeCrypto, type CredentialStore, type StoredCredential } from '../authenticator/index.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { COSEAlg, encodeCoseKey, equalBytes, fromBase64url, type CoseKey } from '../webauthn/index.js';
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

/** The COSE public key of a PKCS#8 private key (P-256, Ed25519 or RSA). */
export function publicKeyOf(pkcs8: Uint8Array, what = 'credential'): { alg: COSEAlg; publicKey: CoseKey } {
  const crypto = nodeCrypto();
  let jwk: import('node:crypto').JsonWebKey;
  try {
    const key = crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    jwk = crypto.createPublicKey(key).export({ format: 'jwk' });
  } catch (cause) {
    throw new HarnessError('VAULT_IMPORT_INVALID', `${what}: private key is not valid PKCS#8`, { cause });
  }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    return { alg: COSEAlg.ES256, publicKey: { kty: 2, alg: -7, crv: 1, x: fromBase64url(jwk.x!), y: fromBase64url(jwk.y!) } };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return { alg: COSEAlg.EdDSA, publicKey: { kty: 1, alg: -8, crv: 6, x: fromBase64url(jwk.x!) } };
  if (jwk.kty === 'RSA') return { alg: COSEAlg.RS256, publicKey: { kty: 3, alg: -257, n: fromBase64url(jwk.n!), e: fromBase64url(jwk.e!) } };
  throw new HarnessError('VAULT_IMPORT_INVALID', `${what}: unsupported key type ${jwk.kty} ${jwk.crv ?? ''}`);
}
