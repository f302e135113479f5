import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    // A test-only scrypt cost for harnesses the suite creates (core/harness/testScryptCost.ts); the default is 2^17.
    env: { PASSKEY_HARNESS_TEST: '1', PASSKEY_HARNESS_SCRYPT_COST: '1024' },
    hookTimeout: 60_000,
    // expect.poll waits for an event (a live count, a signal round trip); vitest's 1 s default flakes on a busy 2-core CI machine.
    expect: { poll: { timeout: 15_000 } },
    reporters: ['default', './test/support/summaryReporter.ts'],
  },
});
