import { Secret, TOTP } from 'otpauth';
import type { RpContext } from '../context.js';

const PERIOD = 30;

function totp(ctx: RpContext, label: string, secret: string): TOTP {
  return new TOTP({ issuer: ctx.rpName, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app scans (issuer = RP name, SHA-1, 6 digits, 30 s). */
export function otpUri(ctx: RpContext, loginId: string, secret: string): string {
  return totp(ctx, loginId, secret).toString();
}

/** RFC 6238 with ±1 step; returns the matched time step (so a used step can be refused) or null. */
export function matchTotp(ctx: RpContext, secret: string, token: string): number | null {
  const now = ctx.clock.now();
  const delta = totp(ctx, 'x', secret).validate({ token, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / PERIOD) + delta;
}

/** What a phone's authenticator app shows now (tests and the harness's virtual phone use it). */
export function generateTotp(secret: string, timestamp: number): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) }).generate({ timestamp });
}
