import type { Clock } from '../clock.js';
import type { Random } from '../random.js';
import { toBase64url } from '../webauthn/index.js';
import type { AttestationCa } from './attestation/ca.js';
import type { CryptoBackend, PrivateKeyHandle } from './crypto/backend.js';
import { nobleBackend } from './crypto/noble.js';
import { nodeBackend } from './crypto/node.js';
import type { CredentialStore, StoredCredential } from './credentials.js';
import type { AuthenticatorFaults } from './faults.js';
import type { LocalAuth } from './localAuth.js';
import type { DeviceProfile } from './profiles.js';

/** What the operation files share; built once by createAuthenticator. */
export interface AuthenticatorContext {
  profile: DeviceProfile;
  backend: CryptoBackend;
  clock: Clock;
  random: Random;
  localAuth: LocalAuth;
  faults: AuthenticatorFaults;
  credentials: CredentialStore;
  attestationCa: () => Promise<AttestationCa>;
  /** Imported private keys by credential id, so each signature skips PKCS#8 parsing. */
  keyCache: Map<string, PrivateKeyHandle>;
}

/** Fast path: the in-memory store hands back the same key bytes each time. */
const byKeyBytes = new WeakMap<Uint8Array, PrivateKeyHandle>();

/** `imported`: the handle the backend returned with a fresh key pair, so it is never imported again. */
export function privateKeyFor(ctx: AuthenticatorContext, credential: StoredCredential, imported?: PrivateKeyHandle): PrivateKeyHandle {
  const known = byKeyBytes.get(credential.privateKey);
  if (known && known.alg === credential.alg && known.backend === ctx.backend.name) return known;
  const cacheKey = toBase64url(credential.id);
  let handle = imported && imported.alg === credential.alg && imported.backend === ctx.backend.name ? imported : ctx.keyCache.get(cacheKey);
  if (handle === imported && handle) ctx.keyCache.set(cacheKey, handle);
  if (!handle) {
    handle = ctx.backend.importPrivateKey(credential.alg, credential.privateKey);
    ctx.keyCache.set(cacheKey, handle);
  }
  byKeyBytes.set(credential.privateKey, handle);
  return handle;
}

/** Signs with whichever backend imported the key (the CA's key may come from another one). */
export function signWith(handle: PrivateKeyHandle, data: Uint8Array): Uint8Array {
  return (handle.backend === 'node' ? nodeBackend : nobleBackend).sign(handle, data);
}
