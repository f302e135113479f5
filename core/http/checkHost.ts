import { HarnessError } from '../errors.js';

/** Names a loopback server answers to (IPv6 in the bracketed form Host headers use). */
export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

export interface HostAllowlist {
  /** Adds `hostname:port` for each loopback name (called once the port is known). */
  listening(port: number): void;
  /** HOST_REJECTED unless the Host header names this server. */
  check(host: string | undefined): void;
}

function hostPort(host: string): { hostname: string; port: string } | undefined {
  try {
    const url = new URL(`http://${host}`);
    // The URL parser normalises case and IPv6; anything with a path, user or query is not a Host.
    if (url.pathname !== '/' || url.username || url.password || url.search || url.hash || `${url.host}` === '') return undefined;
    return { hostname: url.hostname, port: url.port || '80' };
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
    hostnames.add(url.hostname);
  }
  let listeningPort: number | undefined;
  return {
    listening(port) {
      listeningPort = port;
      for (const name of LOOPBACK_HOSTNAMES) allowed.add(`${name}:${port}`);
    },
    check(host) {
      const parsed = host === undefined ? undefined : hostPort(host);
      const ok = parsed !== undefined && (allowed.has(`${parsed.hostname}:${parsed.port}`) || (listeningPort === undefined && hostnames.has(parsed.hostname)));
      if (!ok) throw new HarnessError('HOST_REJECTED', 'This server does not answer to that Host (only localhost, 127.0.0.1, [::1] on its port, or a configured origin)', { details: { host: host ?? null } });
    },
  };
}
