import { HarnessError } from '../errors.js';
import { fromBase64url } from './base64url.js';
import { findDuplicateMember } from './findDuplicateMember.js';

export type ClientDataType = 'webauthn.create' | 'webauthn.get';

export interface ClientData {
  type: string;
  challenge: string;
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
  [key: string]: unknown;
}

export interface BuildClientDataOptions {
  type: ClientDataType | string;
  /** base64url challenge exactly as the RP sent it. */
  challenge: string;
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
}

/**
 * WebAuthn §5.8.1.1: the browser's serialization order is type, challenge, origin, crossOrigin,
 * then topOrigin (only when crossOrigin is true).
 */
export function buildClientDataJSON(options: BuildClientDataOptions): Uint8Array {
  const data: Record<string, unknown> = {
    type: options.type,
    challenge: options.challenge,
    origin: options.origin,
    crossOrigin: options.crossOrigin ?? false,
  };
  if (options.crossOrigin && options.topOrigin) data.topOrigin = options.topOrigin;
  return new TextEncoder().encode(JSON.stringify(data));
}

// ignoreBOM keeps a leading U+FEFF, which JSON.parse then refuses: no browser sends one (RFC 8259 §8.1), and
// Python's and Go's JSON parsers refuse it too.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseClientDataJSON(bytes: Uint8Array): ClientData {
  let parsed: unknown;
  let text: string;
  try {
    text = utf8.decode(bytes);
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON is not UTF-8 JSON', { cause });
  }
  // JSON.parse keeps the last of two equal names, other parsers the first: a parser differential.
  const duplicate = findDuplicateMember(text);
  if (duplicate !== undefined) throw new HarnessError('CLIENTDATA_MALFORMED', `clientDataJSON has member ${JSON.stringify(duplicate)} more than once`);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON is not an object');
  const data = parsed as Record<string, unknown>;
  if (typeof data.type !== 'string') throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON.type missing');
  if (typeof data.challenge !== 'string') throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON.challenge missing');
  try {
    fromBase64url(data.challenge, 'clientDataJSON.challenge');
  } catch (cause) {
    throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON.challenge is not base64url', { cause });
  }
  if (typeof data.origin !== 'string') throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON.origin missing');
  if (data.crossOrigin !== undefined && typeof data.crossOrigin !== 'boolean') throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON.crossOrigin must be boolean');
  if (data.topOrigin !== undefined && typeof data.topOrigin !== 'string') throw new HarnessError('CLIENTDATA_MALFORMED', 'clientDataJSON.topOrigin must be a string');
  return data as ClientData;
}
