import 'reflect-metadata';
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createHarness, type Harness } from '../../../core/harness/createHarness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

// Support must see why a customer cannot log in even when nobody locked the account: after five
// wrong passwords the RP refuses every login for a while (issue 11's humane lockout).
it('users.account and users.list show the RP\'s timed lock (throttled, until when, why); unlock or time ends it', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 30, 9));
  harness = await createHarness({ seed: 'throttled', clock });
  await harness['users.create']({ username: 'taro', emails: ['taro@example.test'], password: 'right-pass' });
  await harness['phones.create']({ name: 'p' });
  expect(await harness['users.account']({ username: 'taro' })).toMatchObject({ status: 'active', lock: null, lockedUntil: null });
  for (let i = 0; i < 5; i++) await expect(harness.enroll({ username: 'taro', password: 'wrong-pass', phone: 'p' })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
  const view = await harness['users.account']({ username: 'taro' });
  expect(view.status).toBe('throttled');
  expect(view.locked).toBe(false);
  expect(view.lock).toMatchObject({ by: 'rp', reason: expect.stringContaining('too many failed logins (5)'), until: view.lockedUntil });
  expect(Date.parse(view.lockedUntil!)).toBeGreaterThan(clock.now());
  expect((await harness['users.list']({})).find((u) => u.username === 'taro')?.lockedUntil).toBe(view.lockedUntil);
  // Even the right password is refused until then.
  await expect(harness.enroll({ username: 'taro', password: 'right-pass', phone: 'p' })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });

  clock.advance(Date.parse(view.lockedUntil!) - clock.now() + 1);
  expect(await harness['users.account']({ username: 'taro' })).toMatchObject({ status: 'active', lock: null, lockedUntil: null });

  for (let i = 0; i < 6; i++) await harness.enroll({ username: 'taro', password: 'wrong-pass', phone: 'p' }).catch(() => undefined);
  expect((await harness['users.account']({ username: 'taro' })).status).toBe('throttled');
  await harness['users.unlock']({ username: 'taro', reason: 'customer verified by phone' });
  expect(await harness['users.account']({ username: 'taro' })).toMatchObject({ status: 'active', lockedUntil: null });
  await harness.enroll({ username: 'taro', password: 'right-pass', phone: 'p' });
});
