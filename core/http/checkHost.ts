import { HarnessError } from '../errors.js';

/** Names a loopback server answers to (IPv6 in the bracketed form Host headers use). */
export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

export interface HostAllowlist {
  /** Adds `hostname:port` for each loopback name (called once the port is known). */
  listening(port: number): void;
  /** HOST_REJECTED unless the Host header names this server. */
  check(host: string | undefined): void;
}

/**
 * `hostname:port`, or `hostname:` for a Host without a port: RFC 9110 §7.2 has the client omit
 * the scheme's default port, and which scheme that was (a TLS-terminating proxy) is not ours to know.
 */
function hostKey(host: string): string | undefined {
  try {
    const url = new URL(`http://${host}`);
    // The URL parser normalises case and IPv6; anything with a path, user or query is not a Host.
    if (url.pathname !== '/' || url.username || url.password || url.search || url.hash || `${url.host}` === '') return undefined;
    // The parser drops an explicit :80 as http's default, so whether a port was sent is read off the text.
    return /:\d+$/.test(host.trim()) ? `${url.hostname}:${url.port || '80'}` : `${url.hostname}:`;
  } catch {
    return undefined;
  }
}

/**
 * The Host-header allowlist (defence against DNS rebinding, where a page on evil.example resolves
 * its own name to 127.0.0.1: the browser then sends `Host: evil.example`, which no CSRF/Origin
 * check sees on a GET). Allowed: localhost / 127.0.0.1 / [::1] with the listening port, plus the
 * host of each configured origin (e.g. a reverse proxy's name). Before `listening` (in-process
 * `fetch`, where no socket and no port exist) the loopback names pass with any port.
 */
export function hostAllowlist(origins: readonly string[]): HostAllowlist {
  const allowed = new Set<string>();
  const hostnames = new Set<string>(LOOPBACK_HOSTNAMES);
  for (const origin of origins) {
    const url = new URL(origin);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    allowed.add(`${url.hostname}:${port}`);
    // On its scheme's default port the browser sends the bare name (`Host: harness.example` for https://harness.example).
    if (url.port === '') allowed.add(`${url.hostname}:`);
    hostnames.add(url.hostname);
  }
  let listeningPort: number | undefined;
  return {
    listening(port) {
      listeningPort = port;
      for (const name of LOOPBACK_HOSTNAMES) {
        allowed.add(`${name}:${port}`);
        if (port === 80) allowed.add(`${name}:`);
      }
    },
    check(host) {
      const key = host === undefined ? undefined : hostKey(host);
      const ok = key !== undefined && (allowed.has(key) || (listeningPort === undefined && hostnames.has(key.slice(0, key.lastIndexOf(':')))));
      if (!ok) throw new HarnessError('HOST_REJECTED', 'This server does not answer to that Host (only localhost, 127.0.0.1, [::1] on its port, or a configured origin)', { details: { host: host ?? null } });
    },
  };
}
