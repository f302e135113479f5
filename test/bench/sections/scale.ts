import type { Store } from '../../../core/store/index.js';
import { inProcessEnrolLoginRate } from '../inProcess.js';
import type { Section } from '../section.js';

/**
 * How cost grows with the database: in-process enrol + login/s on a SQLite file that already holds
 * N accounts, each with a passkey, a session and a used challenge (bulk-inserted in one transaction,
 * outside the timing). Every hot query goes through an index (test/core/store/queryPlans.test.ts),
 * so the rate should not fall with N beyond cache effects.
 */
function seed(n: number): (store: Store) => void {
  return (store) => {
    const d = store.driver;
    store.transaction(() => {
      // Bench fixture data, not a code path of the product: bulk SQL is the only way to get 100k rows in seconds.
      d.exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n})
        INSERT INTO accounts (login_id, user_handle, password_hash, trading_password_hash, display_name, created_at)
        SELECT 'seed-' || i, randomblob(32), 'scrypt$1024$8$1$x$x', 'scrypt$1024$8$1$x$x', 'seed', 0 FROM c`);
      d.exec(`INSERT INTO passkeys (account_id, credential_id, public_key, alg, name, aaguid, transports, backup_eligible, backup_state, user_verified, counter, fmt, created_at)
        SELECT id, 'seedcred-' || id, randomblob(77), -7, 'seed', '00000000-0000-0000-0000-000000000000', '[]', 1, 1, 1, 0, 'none', 0 FROM accounts`);
      d.exec(`INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at) SELECT hex(randomblob(32)), id, 0, 0 FROM accounts`);
      d.exec(`INSERT INTO used_ceremonies (label, used_at, expires_at) SELECT hex(randomblob(16)), 0, 4102444800000 FROM accounts`);
    });
  };
}

export async function run(): Promise<Section> {
  const sizes = [0, 1_000, 10_000, 100_000];
  const best = sizes.map(() => 0);
  // Two interleaved rounds, best of each: noise on the shared machine hits every size alike.
  for (let round = 0; round < 2; round++) {
    for (const [i, n] of sizes.entries()) best[i] = Math.max(best[i]!, await inProcessEnrolLoginRate(200, undefined, n ? seed(n) : undefined));
  }
  const worst = best[best.length - 1]! / best[0]!;
  return {
    title: 'Scale: enrol + login/s with N accounts + passkeys + sessions + used ceremonies already stored',
    columns: ['accounts already stored', 'enrol+login/s', '÷ empty'],
    rows: sizes.map((n, i) => [n, Math.round(best[i]!), Number((best[i]! / best[0]!).toFixed(2))]),
    notes: [
      `100k ÷ empty = ${worst.toFixed(2)} (indexes, no scans: test/core/store/queryPlans.test.ts). 200 enrol+logins per measurement, best of 2 interleaved rounds.`,
    ],
  };
}
