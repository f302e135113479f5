import type { HarnessApi } from './channels.js';

/** The customer a fresh database gets, so the customer pages have someone to log in as. */
export const DEMO_CUSTOMER = { username: 'demo', password: 'password', email: 'demo@example.test' } as const;

/**
 * Creates `DEMO_CUSTOMER` when the database has no accounts yet (first `serve` / `start`), and
 * returns it; returns undefined when there already are customers (nothing is touched then).
 */
export async function createDemoCustomer(api: HarnessApi): Promise<typeof DEMO_CUSTOMER | undefined> {
  if ((await api['users.list']({})).length > 0) return undefined;
  await api['users.create']({ username: DEMO_CUSTOMER.username, password: DEMO_CUSTOMER.password, displayName: 'デモ 太郎', emails: [DEMO_CUSTOMER.email] });
  return DEMO_CUSTOMER;
}
