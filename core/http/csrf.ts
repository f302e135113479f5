import { HarnessError } from '../errors.js';

/** Custom header every state-changing API call must carry; a cross-site form or `no-cors` fetch cannot set it. */
export const CSRF_HEADER = 'x-harness-csrf';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Defence in depth on top of SameSite=Strict cookies: a state-changing request must name an
 * allowed Origin (browsers always send it on POST; other clients must set it) and carry the
 * custom header, which forces a CORS preflight we never grant to foreign origins.
 */
export function checkCsrf({ method, origin, csrfHeader, allowedOrigins }: {
  method: string;
  origin: string | undefined;
  csrfHeader: string | undefined;
  allowedOrigins: ReadonlySet<string>;
}): void {
  if (!STATE_CHANGING.has(method.toUpperCase())) return;
  if (!origin) throw new HarnessError('CSRF_REJECTED', 'Origin header is required on state-changing requests');
  if (!allowedOrigins.has(origin)) throw new HarnessError('CSRF_REJECTED', 'Origin is not allowed');
  if (csrfHeader !== '1') throw new HarnessError('CSRF_REJECTED', `Header ${CSRF_HEADER}: 1 is required on state-changing requests`);
}
