import { X509Certificate, verify } from 'node:crypto';
import type { MDSJWTPayload } from '@simplewebauthn/server';
import { HarnessError } from '../../errors.js';
import { fromBase64url } from '../../webauthn/base64url.js';
import { certificatePem as pem } from './certificatePem.js';
import { validateChainOnce } from './validateChainOnce.js';

export interface VerifiedMetadata {
  payload: MDSJWTPayload;
  /** nextUpdate has passed (MDS3 §3.1.8: the RP should have a newer BLOB by now). */
  expired: boolean;
}

/**
 * FIDO MDS3 §3.1.8 metadata BLOB processing, as the RP does it: the x5c chain must reach one of
 * the pinned MDS roots, the JWS signature must verify with the leaf, `no` must not go back.
 * Any failure → METADATA_UNAVAILABLE (the BLOB is ignored). Roots are passed explicitly: the
 * library's SettingsService is process-global and would leak between RPs.
 */
export async function verifyMetadataBlob(options: { blob: string; roots: readonly string[]; today: string; lastNo?: number }): Promise<VerifiedMetadata> {
  const { blob, roots, today, lastNo = 0 } = options;
  const fail = (message: string, cause?: unknown): never => {
    throw new HarnessError('METADATA_UNAVAILABLE', `metadata BLOB refused: ${message}`, { cause });
  };
  if (roots.length === 0) fail('no MDS root is pinned');
  const parts = typeof blob === 'string' ? blob.trim().split('.') : [];
  if (parts.length !== 3) fail('not a compact JWS');
  let header: { alg?: unknown; x5c?: unknown };
  let payload: MDSJWTPayload;
  try {
    header = JSON.parse(new TextDecoder().decode(fromBase64url(parts[0]!, 'JWS header'))) as typeof header;
    payload = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1]!, 'JWS payload'))) as MDSJWTPayload;
  } catch (cause) {
    return fail('header or payload is not base64url JSON', cause);
  }
  if (!Array.isArray(header.x5c) || header.x5c.length === 0 || !header.x5c.every((c) => typeof c === 'string')) fail('header has no x5c chain');
  const chain = (header.x5c as string[]).map(pem);
  // §3.1.8 step 4: "ignore the file if the chain cannot be verified".
  try {
    await validateChainOnce(chain, roots);
  } catch (cause) {
    fail('its certificate chain does not reach a pinned MDS root', cause);
  }
  let ok = false;
  try {
    const key = new X509Certificate(chain[0]!).publicKey;
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = fromBase64url(parts[2]!, 'JWS signature');
    if (header.alg === 'ES256' && key.asymmetricKeyType === 'ec') ok = verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    else if (header.alg === 'RS256' && key.asymmetricKeyType === 'rsa') ok = verify('sha256', data, key, signature);
    else fail(`unsupported JWS alg ${JSON.stringify(header.alg)}`);
  } catch (cause) {
    if (cause instanceof HarnessError) throw cause;
    fail('its signature could not be checked', cause);
  }
  // §3.1.8 step 5: "The FIDO Server SHOULD ignore the file if the signature is invalid."
  if (!ok) fail('its signature does not verify');
  if (!Number.isInteger(payload.no) || typeof payload.nextUpdate !== 'string' || !Array.isArray(payload.entries)) fail('payload lacks no, nextUpdate or entries');
  // §3.1.8 step 6: ignore a BLOB whose number is lower than the one already seen (a rollback).
  if (payload.no < lastNo) fail(`its serial number ${payload.no} is lower than ${lastNo}, seen before`);
  return { payload, expired: payload.nextUpdate < today };
}
