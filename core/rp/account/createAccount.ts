import { HarnessError } from '../../errors.js';
import { audit, type RpContext } from '../context.js';
import { requireString } from '../input.js';
import { requireAdmin } from '../admin/requireAdmin.js';
import { otpUri } from '../stepUp/totp.js';
import { hashPassword } from './passwords.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

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
  const loginId = requireString(opts.loginId, 'loginId', 64);
  const password = requireString(opts.password, 'password', 256);
  const tradingPassword = requireString(opts.tradingPassword, 'tradingPassword', 256);
  const displayName = requireString(opts.displayName, 'displayName', 128);
  if (!Array.isArray(opts.emails) || opts.emails.length === 0) throw new HarnessError('INVALID_INPUT', 'at least one email address is required');
  for (const email of opts.emails) {
    if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email)) throw new HarnessError('INVALID_INPUT', 'email address is not valid');
  }
  if (opts.otpSecret !== undefined && !/^[A-Z2-7]{16,}=*$/.test(opts.otpSecret)) throw new HarnessError('INVALID_INPUT', 'otpSecret must be base32');
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
