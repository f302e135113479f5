import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

/**
 * Deterministic replay (issue 12): with the same seed, every byte a phone produces is the same —
 * packed x5c attestation (the scenario CA is derived from a seed) and RS256 keys (primes from a
 * DRBG over the seed) included — and scenario reports match apart from fields named as timings.
 * Each run re-imports core with a fresh module registry, so no per-process cache (the scenario
 * CA, the RSA key) can make two runs agree by accident.
 */
const RS256_KEY = { id: 'rs256-key', label: 'RS256 key', aaguid: '2fc0579f-8113-47ea-b116-bb5a8db9202a', attestation: 'packed-x5c', algorithms: [-257] } as const;

async function ceremonies(seed: string, withRsa = true) {
  vi.resetModules();
  const journey = await import('../../../core/journey/index.js');
  const { parseProfile } = await import('../../../core/authenticator/index.js');
  // scrypt at the test cost: password hashing is not what this test is about.
  const world = await journey.createWorld({ seed, scryptCost: 1024 });
  const responses: unknown[] = [];
  const finish = world.rp.finishRegistration;
  world.rp.finishRegistration = (opts) => (responses.push(opts.response), finish(opts));
  try {
    const phones = [['kei', 'yubikey-5'] as const, ...(withRsa ? [['rsa', parseProfile(RS256_KEY)] as const] : [])];
    for (const [user, profile] of phones) {
      const created = await world.rp.createAccount({ loginId: user, password: 'password', tradingPassword: 't', displayName: user, emails: [`${user}@example.test`] });
      world.users.set(user, { username: user, password: 'password', accountId: created.accountId, emails: [] });
      journey.newPhone(world, `${user}-phone`, profile);
      await journey.enrollFlow(world, { username: user, password: 'password', phone: `${user}-phone`, stepUp: 'email', decision: 'approve', attestation: 'direct' });
      await journey.passkeyLogin(world, { username: user, phone: `${user}-phone`, mode: 'username-first', decision: 'approve' });
      responses.push(world.lastLogin?.response);
    }
  } finally {
    world.close();
  }
  return responses;
}

const TIMINGS = new Set(['durationMs']);
const withoutTimings = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutTimings)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter(([k]) => !TIMINGS.has(k)).map(([k, v]) => [k, withoutTimings(v)]))
      : value;

async function report(seed: string) {
  vi.resetModules();
  const { loadScenarios, runScenarios, formatJson } = await import('../../../core/scenario/index.js');
  const dir = new URL('../../../examples/scenarios/', import.meta.url);
  const files = ['29-counter-regression-after-failed-logins.yaml', '30-backup-state-flip.yaml', '31-attestation-packed-x5c.yaml', '33-attestation-fido-u2f.yaml', '36-attestation-packed-self-rs256.yaml'];
  const scenarios = loadScenarios(files.map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') })));
  const result = await runScenarios({ scenarios, seed, mode: 'inline' });
  return withoutTimings(JSON.parse(formatJson(result)));
}

describe('deterministic replay', () => {
  it('the same seed gives byte-identical registration (packed x5c, RS256) and login responses; another seed does not', async () => {
    const first = await ceremonies('replay-1');
    const again = await ceremonies('replay-1');
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    const x5c = JSON.stringify(first[0]);
    expect(x5c).toContain('attestationObject');
    // Another seed: another credential (RS256 keys differing by seed: test/core/authenticator/crypto/rsa.test.ts).
    const other = await ceremonies('replay-2', false);
    expect(JSON.stringify(other[0])).not.toBe(x5c);
  }, 120_000);

  it('two runs of a scenario set with one seed give the same JSON report apart from durationMs', async () => {
    const first = await report('ci-seed');
    const second = await report('ci-seed');
    expect(second).toEqual(first);
    expect(JSON.stringify(first)).toContain('36-attestation-packed-self-rs256.yaml');
  }, 120_000);
});
