import { createHash } from 'node:crypto';
import { toBase64url } from '../../webauthn/index.js';
import type { RpContext } from '../context.js';

/** Session IDs and ceremony handles: random base64url tokens; the store keeps only their SHA-256 (a database reader cannot ride a session). */
export function newToken(ctx: RpContext, bytes = 32): string {
  return toBase64url(ctx.random.bytes(bytes));
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
