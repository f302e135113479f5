import { HarnessError } from '../errors.js';

/**
 * A tiny stand-in for the Public Suffix List: suffixes under which RP IDs are commonly
 * (and wrongly) tried. Single-label RP IDs other than "localhost" are rejected outright.
 */
const PUBLIC_SUFFIXES = new Set([
  'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'go.jp', 'co.uk', 'org.uk', 'ac.uk', 'com.au', 'net.au', 'co.nz',
  'com.br', 'com.cn', 'github.io', 'herokuapp.com', 'vercel.app', 'pages.dev', 'netlify.app', 'appspot.com',
]);

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

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
 * WebAuthn §5.1.3 step 8 / §5.1.4.1 step 8: the RP ID must equal the origin's effective domain
 * or be a registrable domain suffix of it, and must not be a public suffix.
 */
export function checkRpId(origin: string, rpId: string | undefined): string {
  const host = parseOrigin(origin).hostname;
  const id = (rpId ?? host).toLowerCase();
  if (id !== host) {
    if (IPV4.test(host) || host.startsWith('[')) throw new HarnessError('SECURITY_ERROR', `RP ID ${id} does not match the IP origin ${origin}`);
    if (!host.endsWith(`.${id}`)) throw new HarnessError('SECURITY_ERROR', `RP ID ${id} is not a registrable suffix of ${host}`);
  }
  if (id !== 'localhost' && !IPV4.test(id) && (!id.includes('.') || PUBLIC_SUFFIXES.has(id))) {
    throw new HarnessError('SECURITY_ERROR', `RP ID ${id} is a public suffix`);
  }
  return id;
}
