import type { RpPolicy } from '../policy.js';

/**
 * How long logins are refused after the `failedLogins`th consecutive wrong password (NIST SP 800-63B
 * §5.2.2: throttle, and lock only after at most 100 failures, and then for a time): nothing before
 * `loginThrottleAfter`, then `loginThrottleBaseMs` doubling per failure up to `loginThrottleMaxMs`,
 * and `loginLockMs` from `maxLoginFailures` on.
 */
export function loginDelayMs(policy: RpPolicy, failedLogins: number): number {
  if (failedLogins >= policy.maxLoginFailures) return policy.loginLockMs;
  if (failedLogins < policy.loginThrottleAfter) return 0;
  const doublings = Math.min(failedLogins - policy.loginThrottleAfter, 40);
  return Math.min(policy.loginThrottleBaseMs * 2 ** doublings, policy.loginThrottleMaxMs);
}
