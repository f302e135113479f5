import { constants, createPublicKey, generateKeyPairSync, hash, KeyObject, verify, webcrypto } from 'node:crypto';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { setBounded } from '../../boundedMap.js';
import { HarnessError } from '../../errors.js';
import type { PasskeyRow } from '../../store/index.js';
import { concatBytes, decodeCoseKey, derChildren, derRead, equalBytes, toBase64url, type AuthenticationResponseJSON, type ClientData, type CoseKey } from '../../webauthn/index.js';
import type { RpContext } from '../context.js';

/**
 * WebAuthn §7.2 steps 20–21 for a stored passkey: the assertion signature over
 * authenticatorData ‖ SHA-256(clientDataJSON), verified with node:crypto against a KeyObject imported
 * once per passkey (the WebCrypto import of the COSE key on every login was most of
 * @simplewebauthn/server's cost, plus thread-pool round trips for `digest` and `verify`).
 *
 * It replaces `verifyAuthenticationResponse` for ES256, EdDSA and RS256 keys and keeps every check
 * that function makes. finishLogin's own checks already cover, more strictly, id = rawId, type,
 * clientData type / challenge / origin / crossOrigin / topOrigin, base64url of every field, the
 * authenticatorData parse (leftover bytes, AT/ED), rpIdHash, UP and UV, tokenBinding's shape and
 * userHandle being a string; the counter is ours. What is left is here: the COSE key decoding with a
 * numeric alg, and the signature itself with the library's exact ECDSA rules (DER SEQUENCE of
 * two INTEGERs, each normalised to 32 bytes: shorter ones padded, one leading 0x00 dropped only
 * before a high bit, anything longer refused). Keys outside those three algorithms go through the
 * library as before.
 */

interface CachedKey {
  /** The row's COSE bytes the import was made from: an entry is used only while they still match. */
  cose: Uint8Array;
  alg: CoseKey['alg'];
  key: KeyObject;
}

/** Per store (a process may serve several RPs): passkey id → imported key. Bounded; oldest entries go first. */
const caches = new WeakMap<object, Map<number, CachedKey>>();
const MAX_CACHED_KEYS = 10_000;

function cacheOf(ctx: RpContext): Map<number, CachedKey> {
  let cache = caches.get(ctx.store);
  if (!cache) caches.set(ctx.store, (cache = new Map()));
  return cache;
}

/** Drops a passkey's imported key (revoked, reset): the next login of that id imports the row's key again. */
export function forgetPublicKey(ctx: RpContext, passkeyId: number): void {
  caches.get(ctx.store)?.delete(passkeyId);
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** SEC1's prefix of an uncompressed point (0x04 ‖ x ‖ y). */
const UNCOMPRESSED = Uint8Array.of(0x04);

/**
 * A P-256 key goes in as its raw uncompressed point: OpenSSL refuses a point off the curve
 * (EC_POINT_oct2point), and the key it builds is ready for its first verification. A JWK import
 * also multiplies the point by the group order (a check a cofactor-1 curve does not need) and
 * makes a key that is converted again on first use: ≈ 150 µs against ≈ 120 µs for import + first
 * verify (docs/PERFORMANCE.md, tenth session). WebCrypto is the only raw import Node 20 has; it
 * runs on this thread and resolves at once.
 */
async function importCoseKey(cose: CoseKey): Promise<KeyObject> {
  const b64 = (bytes: Uint8Array) => toBase64url(bytes);
  if (cose.kty === 2) return KeyObject.from(await webcrypto.subtle.importKey('raw', concatBytes(UNCOMPRESSED, cose.x, cose.y), P256, false, ['verify']));
  if (cose.kty === 1) return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64(cose.x) }, format: 'jwk' });
  return createPublicKey({ key: { kty: 'RSA', n: b64(cose.n), e: b64(cose.e) }, format: 'jwk' });
}

/**
 * The imported key of a stored passkey, from the cache when the row's key bytes are the ones it was
 * imported from (a reused row id or a replaced key never meets a stale import); undefined for a key
 * our COSE decoder does not take (then the library verifies).
 */
export async function publicKeyFor(ctx: RpContext, passkey: Pick<PasskeyRow, 'id' | 'publicKey'>): Promise<CachedKey | undefined> {
  const cache = cacheOf(ctx);
  const hit = cache.get(passkey.id);
  if (hit && equalBytes(hit.cose, passkey.publicKey)) return hit;
  let entry: CachedKey;
  try {
    // OpenSSL's import refuses a P-256 point off the curve (as noble would have).
    const cose = decodeCoseKey(passkey.publicKey, { skipP256PointCheck: true });
    entry = { cose: passkey.publicKey.slice(), alg: cose.alg, key: await importCoseKey(cose) };
  } catch {
    cache.delete(passkey.id);
    return undefined;
  }
  setBounded(cache, passkey.id, entry, MAX_CACHED_KEYS);
  return entry;
}

/**
 * Registration's half: the credential key, decoded without noble's P-256 point check and imported by
 * OpenSSL, which makes that check (COSE_INVALID when it refuses). `remember` puts the import in the
 * cache once the passkey has its row, so its first login imports nothing.
 */
export async function importCredentialKey(cose: Uint8Array): Promise<{ key: CoseKey; remember(ctx: RpContext, passkeyId: number): void }> {
  let key: CoseKey;
  let imported: KeyObject | undefined;
  try {
    key = decodeCoseKey(cose, { skipP256PointCheck: true });
  } catch (cause) {
    throw new HarnessError('COSE_INVALID', 'credential public key is not a valid COSE key for its algorithm', { cause });
  }
  try {
    imported = await importCoseKey(key);
  } catch (cause) {
    if (key.kty === 2) throw new HarnessError('COSE_INVALID', 'credential public key: point is not on P-256', { cause });
    // Ed25519 and RSA were fully checked by decodeCoseKey; an import OpenSSL refuses is left to the login path.
  }
  return {
    key,
    remember(ctx, passkeyId) {
      if (imported) setBounded(cacheOf(ctx), passkeyId, { cose: cose.slice(), alg: key.alg, key: imported }, MAX_CACHED_KEYS);
    },
  };
}

/** @simplewebauthn/server's unwrapEC2Signature + toNormalizedBytes for P-256, on our strict DER reader. */
function ecdsaDerToRaw(signature: Uint8Array): Uint8Array | undefined {
  try {
    const seq = derRead(signature, 0, 'ECDSA signature');
    if (seq.tag !== 0x30 || seq.end !== signature.length) return undefined;
    const parts = derChildren(seq, 'ECDSA signature');
    if (parts.length !== 2 || parts.some((p) => p.tag !== 0x02)) return undefined;
    const normalized = parts.map(({ value }) => {
      if (value.length < 32) {
        const out = new Uint8Array(32);
        out.set(value, 32 - value.length);
        return out;
      }
      if (value.length === 32) return value;
      if (value.length === 33 && value[0] === 0 && (value[1]! & 0x80) === 0x80) return value.subarray(1);
      return undefined;
    });
    if (!normalized[0] || !normalized[1]) return undefined;
    return concatBytes(normalized[0], normalized[1]);
  } catch {
    return undefined;
  }
}

/** True when the signature verifies; false when it does not or is malformed (never throws for bad input). */
function verifyWithKey(entry: CachedKey, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (entry.alg === -7) {
      const raw = ecdsaDerToRaw(signature);
      return raw !== undefined && verify('sha256', data, { key: entry.key, dsaEncoding: 'ieee-p1363' }, raw);
    }
    if (entry.alg === -8) return verify(null, data, entry.key, signature);
    return verify('sha256', data, { key: entry.key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}

/** A P-256 key no credential has, made on first use: what an unknown credential's signature is checked against. */
let decoy: CachedKey | undefined;

/**
 * The work a registered ES256 passkey's verification does (hash, DER unwrap, ECDSA verify), for an
 * assertion naming no passkey of the account: its refusal then takes about as long as a bad signature's.
 */
export function spendLikeAVerification(clientDataJSON: Uint8Array, authData: Uint8Array, signature: Uint8Array): void {
  if (!decoy) {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    decoy = { cose: new Uint8Array(0), alg: -7, key: publicKey };
  }
  verifyWithKey(decoy, concatBytes(authData, hash('sha256', clientDataJSON, 'buffer')), signature);
}

/**
 * Verifies the assertion signature of `passkey`; throws SIGNATURE_INVALID (CLIENTDATA_MALFORMED for
 * a tokenBinding of the wrong shape, as the library refuses it too).
 */
export async function verifyAssertionSignature(
  ctx: RpContext,
  opts: {
    passkey: PasskeyRow;
    clientData: ClientData;
    clientDataJSON: Uint8Array;
    authData: Uint8Array;
    signature: Uint8Array;
    /** For the library path only. */
    response: AuthenticationResponseJSON;
    challenge: string;
    requireUserVerification: boolean;
  },
): Promise<void> {
  const entry = await publicKeyFor(ctx, opts.passkey);
  if (!entry) {
    let verified = false;
    try {
      // Counter 0 here: the library must only judge the signature; clone detection is ours, after it.
      const result = await verifyAuthenticationResponse({
        response: opts.response,
        expectedChallenge: opts.challenge,
        expectedOrigin: ctx.origins,
        expectedRPID: ctx.rpId,
        requireUserVerification: opts.requireUserVerification,
        credential: { id: opts.passkey.credentialId, publicKey: opts.passkey.publicKey.slice(), counter: 0, transports: opts.passkey.transports as never },
      });
      verified = result.verified;
    } catch (cause) {
      throw new HarnessError('SIGNATURE_INVALID', `assertion did not verify: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (!verified) throw new HarnessError('SIGNATURE_INVALID', 'assertion signature did not verify');
    return;
  }
  // §7.2 steps 20–21: hash = SHA-256(cData); the signature is over authData ‖ hash.
  if (!verifyWithKey(entry, concatBytes(opts.authData, hash('sha256', opts.clientDataJSON, 'buffer')), opts.signature)) {
    throw new HarnessError('SIGNATURE_INVALID', 'assertion signature did not verify');
  }
}
