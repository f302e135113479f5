import { getPublicSuffix } from 'tldts';
import { setBounded } from '../boundedMap.js';
import { HarnessError } from '../errors.js';

/**
 * HTML "is a registrable domain suffix of or is equal to" refuses a public suffix, by the Public
 * Suffix List as browsers ship it (tldts bundles it): the ICANN section and the private one
 * (github.io, s3.amazonaws.com…), wildcard and exception rules included. A single label is a public
 * suffix by the list's default rule, "localhost" excepted (a secure context of its own).
 */
function isPublicSuffix(domain: string): boolean {
  if (domain === 'localhost') return false;
  if (!domain.includes('.')) return true;
  return getPublicSuffix(domain, { allowPrivateDomains: true }) === domain;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * URL Standard "valid domain", as far as an ASCII hostname goes: 1–253 characters of non-empty
 * labels (a final root dot allowed), and not an IP address. `a..com` or `.com` are not domains.
 */
function isValidDomain(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253 || IPV4.test(name) || name.startsWith('[')) return false;
  return name.split('.').every((label) => LABEL.test(label));
}

/** Parses the caller's origin; WebAuthn needs a secure context (https, or http on localhost). */
export function parseOrigin(origin: string): URL {
  let url: URL;
  try {
    url = new URL(origin);
  } catch (cause) {
    throw new HarnessError('SECURITY_ERROR', `origin ${JSON.stringify(origin)} is not a URL`, { cause });
  }
  if (url.origin !== origin) throw new HarnessError('SECURITY_ERROR', `origin must be a bare origin like https://example.com, got ${origin}`);
  const localhost = url.hostname === 'localhost' || url.hostname.endsWith('.localhost');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && localhost)) {
    throw new HarnessError('SECURITY_ERROR', `${origin} is not a secure context (https, or http://localhost)`);
  }
  return url;
}

/**
 * WebAuthn §5.1.3 steps 7–8 / §5.1.4.1 steps 6–7: the origin's effective domain must be a valid
 * domain (an IP address is not), and the RP ID must equal it or be a registrable domain suffix of
 * it, never a public suffix. `rpId` is what the RP sent: anything but a string is refused.
 */
export function checkRpId(origin: string, rpId: unknown): string {
  const host = parseOrigin(origin).hostname;
  if (!isValidDomain(host)) throw new HarnessError('SECURITY_ERROR', `${origin} is not on a valid domain (IP addresses cannot use WebAuthn)`);
  if (rpId !== undefined && typeof rpId !== 'string') throw new HarnessError('SECURITY_ERROR', `RP ID must be a string, got ${rpId === null ? 'null' : typeof rpId}`);
  const id = (rpId ?? host).toLowerCase();
  if (!isValidDomain(id)) throw new HarnessError('SECURITY_ERROR', `RP ID ${JSON.stringify(id)} is not a valid domain`);
  if (id !== host && !host.endsWith(`.${id}`)) throw new HarnessError('SECURITY_ERROR', `RP ID ${id} is not a registrable suffix of ${host}`);
  // A root dot does not make `com.` any less a public suffix than `com`.
  const bare = id.endsWith('.') ? id.slice(0, -1) : id;
  if (isPublicSuffix(bare)) {
    throw new HarnessError('SECURITY_ERROR', `RP ID ${id} is a public suffix`);
  }
  return id;
}

/** Passing verdicts by origin, then by the RP ID as sent (undefined: absent). */
const verdicts = new Map<string, Map<string | undefined, string>>();

/**
 * `checkRpId`, remembered per (origin, RP ID): the check is pure (the suffix list is bundled) and a client
 * makes it on every create and get. Only passes are kept; a refusal is judged and thrown afresh each time.
 */
export function checkRpIdCached(origin: string, rpId: unknown): string {
  if (rpId !== undefined && typeof rpId !== 'string') return checkRpId(origin, rpId);
  let byRpId = verdicts.get(origin);
  const known = byRpId?.get(rpId);
  if (known !== undefined) return known;
  const id = checkRpId(origin, rpId);
  if (!byRpId) setBounded(verdicts, origin, (byRpId = new Map()), 64);
  setBounded(byRpId, rpId, id, 64);
  return id;
}
