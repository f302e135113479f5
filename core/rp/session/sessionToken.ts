import { hash } from 'node:crypto';
import { toBase64url } from '../../webauthn/index.js';
import type { RpContext } from '../context.js';

/** A random base64url token: session IDs (32 bytes) and ceremony handles (16 bytes). */
export function newToken(ctx: RpContext, bytes = 32): string {
  return toBase64url(ctx.secrets.bytes(bytes));
}

/** Sessions are stored by this SHA-256 only, so a database reader cannot ride a session. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}
