import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { setBounded } from '../boundedMap.js';
import { toBase64url } from '../webauthn/index.js';

/** Imported signing keys by PKCS#8: a DER import costs ≈ 0.5 ms and every world's MDS signs with one key. */
const keys = new Map<string, KeyObject>();
const KEYS_MAX = 16;

function signingKey(pkcs8: Uint8Array): KeyObject {
  const id = Buffer.from(pkcs8).toString('base64');
  let key = keys.get(id);
  if (!key) {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    setBounded(keys, id, key, KEYS_MAX);
  }
  return key;
}

/**
 * A compact JWS (RFC 7515) signed ES256 by a P-256 key, its certificate chain in the header's x5c
 * (standard base64 DER, leaf first, RFC 7515 §4.1.6) — the MDS3 BLOB format (§3.1.7).
 */
export function signJws(options: { payload: unknown; x5c: Uint8Array[]; pkcs8: Uint8Array }): string {
  const header = { alg: 'ES256', typ: 'JWT', x5c: options.x5c.map((der) => Buffer.from(der).toString('base64')) };
  const encode = (value: unknown): string => toBase64url(new TextEncoder().encode(JSON.stringify(value)));
  const signingInput = `${encode(header)}.${encode(options.payload)}`;
  const key = signingKey(options.pkcs8);
  // JWS ES256 signatures are r ‖ s (RFC 7518 §3.4), not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${toBase64url(new Uint8Array(signature))}`;
}
