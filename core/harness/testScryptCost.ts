import { HarnessError } from '../errors.js';

/**
 * The test suite's scrypt cost: `PASSKEY_HARNESS_SCRYPT_COST` (a power of two, 2^10…2^20), honoured
 * only when `PASSKEY_HARNESS_TEST=1` too, so no stray variable weakens a real harness's password
 * hashes. The default cost (2^17, OWASP) costs ~0.3 s per hash: the suite creates hundreds of
 * customers on two shared cores. vitest.config.ts and test/cli/support.ts set both; nothing else should.
 */
export function testScryptCost(env: Record<string, string | undefined> = process.env): number | undefined {
  if (env.PASSKEY_HARNESS_TEST !== '1' || env.PASSKEY_HARNESS_SCRYPT_COST === undefined) return undefined;
  const cost = Number(env.PASSKEY_HARNESS_SCRYPT_COST);
  if (!Number.isInteger(cost) || cost < 1024 || cost > 2 ** 20 || (cost & (cost - 1)) !== 0) {
    throw new HarnessError('CONFIG_INVALID', `PASSKEY_HARNESS_SCRYPT_COST must be a power of two from 1024 to 1048576, got "${env.PASSKEY_HARNESS_SCRYPT_COST}"`);
  }
  return cost;
}
