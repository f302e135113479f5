/**
 * Headers on every response. The CSP allows only this origin's scripts and styles (the Vite
 * build emits files, no inline script), and `frame-ancestors` lets the console (same origin by
 * default) embed the customer pages in its phone frames.
 */
export function securityHeaders({ frameAncestors, frameSrc = [] }: { frameAncestors: readonly string[]; frameSrc?: readonly string[] }): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    // The console's phone frames load the customer pages from their own origin (issue 11 item 8).
    `frame-src ${["'self'", ...frameSrc].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
  ].join('; ');
  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'publickey-credentials-create=(self), publickey-credentials-get=(self), camera=(), microphone=(), geolocation=()',
  };
  if (frameAncestors.length === 1 && frameAncestors[0] === "'self'") headers['X-Frame-Options'] = 'SAMEORIGIN';
  return headers;
}
