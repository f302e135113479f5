import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireDisplayText, requireString } from '../input.js';
import { requireAdmin } from '../admin/requireAdmin.js';
import { otpUri } from '../stepUp/totp.js';
import { hashPassword } from './passwords.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** The step-up screen lists every address; more than this is not a customer's set but a payload. */
export const MAX_EMAILS = 10;
/**
 * The login ID is the credential's user.name, which tells accounts apart in the authenticator's
 * picker: authenticators may truncate it to 64 bytes (WebAuthn §6.4.1), so it must fit in them.
 */
const LOGIN_ID = { maxChars: 64, maxBytes: 64 };
/** user.displayName: only shown, so truncation by an authenticator is harmless; the screens show 128 characters. */
const DISPLAY_NAME = { maxChars: 128 };

/**
 * Seeds a customer (the harness plays the brokerage's back office): login ID, two passwords, emails.
 * Audited as `admin:<admin>` when a back-office admin creates it, as `system` otherwise (a scenario's
 * own world, the load server).
 */
export function createAccount(
  ctx: RpContext,
  opts: { loginId: string; password: string; tradingPassword: string; displayName: string; emails: string[]; otpSecret?: string; admin?: string },
): { accountId: number; loginId: string; otpUri?: string } {
  // Resolved first: an unknown admin must not create an account audited under no one.
  const actor = opts.admin === undefined ? 'system' : `admin:${requireAdmin(ctx, opts.admin, 'operator', 'account.create').name}`;
  const loginId = requireDisplayText(opts.loginId, 'loginId', LOGIN_ID);
  const password = requireString(opts.password, 'password', 256);
  const tradingPassword = requireString(opts.tradingPassword, 'tradingPassword', 256);
  const displayName = requireDisplayText(opts.displayName, 'displayName', DISPLAY_NAME);
  if (!Array.isArray(opts.emails) || opts.emails.length === 0) throw new HarnessError('INVALID_INPUT', 'at least one email address is required');
  if (opts.emails.length > MAX_EMAILS) throw new HarnessError('INVALID_INPUT', `at most ${MAX_EMAILS} email addresses`);
  for (const email of opts.emails) {
    if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email)) throw new HarnessError('INVALID_INPUT', 'email address is not valid');
  }
  if (opts.otpSecret !== undefined && (typeof opts.otpSecret !== 'string' || opts.otpSecret.length > 128 || !/^[A-Z2-7]{16,}=*$/.test(opts.otpSecret))) throw new HarnessError('INVALID_INPUT', 'otpSecret must be base32');
  // Hash outside the transaction: scrypt is slow and the write lock should be short.
  const passwordHash = hashPassword(password, { random: ctx.secrets, cost: ctx.policy.scryptCost });
  const tradingPasswordHash = hashPassword(tradingPassword, { random: ctx.secrets, cost: ctx.policy.scryptCost });
  const userHandle = ctx.random.bytes(32);
  const now = ctx.clock.now();
  const accountId = ctx.store.transaction(() => {
    const id = ctx.store.accounts.insert({ loginId, userHandle, passwordHash, tradingPasswordHash, displayName, createdAt: now });
    for (const email of new Set(opts.emails)) ctx.store.emails.add(id, email);
    if (opts.otpSecret) {
      ctx.store.otp.setPending(id, opts.otpSecret, now);
      ctx.store.otp.activate(id);
    }
    audit(ctx, { actor, action: 'account.create', outcome: 'success', accountId: id, details: { loginId, emails: opts.emails.length, otp: Boolean(opts.otpSecret) } });
    return id;
  });
  return opts.otpSecret ? { accountId, loginId, otpUri: otpUri(ctx, loginId, opts.otpSecret) } : { accountId, loginId };
}
