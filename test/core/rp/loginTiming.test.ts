import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { createHttpServer } from '../../../core/http/index.js';
import { createRelyingParty } from '../../../core/rp/index.js';
import { openStore } from '../../../core/store/index.js';

/**
 * Issue 11, the one timing assertion it asks for: a locked account used to answer 423 in ~3 ms, an
 * unknown one 401 in ~140 ms. Now unknown, wrong-password, throttled and operator-locked logins get
 * the same status, the same body and the same headers over HTTP, and take the same time: medians
 * of 30 interleaved tries each (after warm-up), with a scrypt cost (2^13, ~20 ms) that dominates a request. Each try is
 * compared with the other kinds of its own round, so load from other processes on shared cores
 * cancels out; CPU time per request is held to the same bound.
 */
const ORIGIN = 'http://localhost:8787';
const COST = 2 ** 13;
const WARM_UP = 3;
const TRIES = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('password login refusals are indistinguishable over HTTP', () => {
  it('locked, throttled, unknown and wrong-password: same status, body and headers; medians within 20%', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 30));
    const store = openStore({ path: ':memory:' });
    const rp = createRelyingParty({ store, rpId: 'localhost', rpName: 'YM証券', origins: [ORIGIN], clock, policy: { scryptCost: COST } });
    const unlimited = { limit: 1_000_000, windowMs: 60_000 };
    const server = createHttpServer({ rp, staticDir: null, origins: [ORIGIN], clock, rateLimits: { perIp: unlimited, perAccount: unlimited } });
    const customer = (loginId: string) =>
      rp.createAccount({ loginId, password: 'login-pass', tradingPassword: 'trade-pass', displayName: loginId, emails: [`${loginId}@example.test`] }).accountId;
    const wrongId = customer('wrong-password');
    customer('throttled');
    const lockedId = customer('operator-locked');
    rp.admin.createAdmin({ name: 'suzuki', role: 'operator' });
    rp.admin.lockAccount({ admin: 'suzuki', accountId: lockedId, reason: 'suspected takeover' });
    const post = (loginId: string, password: string) =>
      server.fetch(
        new Request(`${ORIGIN}/api/login`, {
          method: 'POST',
          headers: { origin: ORIGIN, 'x-harness-csrf': '1', 'content-type': 'application/json' },
          body: JSON.stringify({ loginId, password }),
        }),
      );
    // Five wrong passwords throttle it; the manual clock never lets the delay pass.
    for (let i = 0; i < 5; i++) await (await post('throttled', 'wrong')).text();

    const kinds = {
      unknown: () => post('no-such-customer', 'login-pass'),
      wrong: () => post('wrong-password', 'wrong'),
      throttled: () => post('throttled', 'login-pass'),
      locked: () => post('operator-locked', 'login-pass'),
    };
    const names = Object.keys(kinds) as (keyof typeof kinds)[];
    type Kind = keyof typeof kinds;
    const answers = new Set<string>();
    const spreadOf = (ratios: Record<Kind, number[]>) => {
      const medians = Object.fromEntries(names.map((n) => [n, Math.round(median(ratios[n]) * 1000) / 1000])) as Record<Kind, number>;
      return { medians, spread: Math.max(...Object.values(medians)) / Math.min(...Object.values(medians)) };
    };

    /** One measurement: WARM_UP + TRIES rounds, each kind once per round. */
    async function measure() {
      // Per round, each kind's time relative to the round's mean: a load spike from another process on
      // the shared cores moves every kind of that round alike.
      const ratios = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Kind, number[]>;
      const cpuRatios = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Kind, number[]>;
      for (let round = 0; round < WARM_UP + TRIES; round++) {
        const wall: Partial<Record<Kind, number>> = {};
        const cpu: Partial<Record<Kind, number>> = {};
        // Interleaved, and in a rotating order, so drift in machine load hits every kind alike.
        for (let k = 0; k < names.length; k++) {
          const name = names[(round + k) % names.length]!;
          const cpuStarted = process.cpuUsage();
          const started = performance.now();
          const response = await kinds[name]();
          const body = await response.text();
          wall[name] = performance.now() - started;
          const used = process.cpuUsage(cpuStarted);
          cpu[name] = used.user + used.system;
          // The wrong-password account must stay a plain wrong password, not become throttled.
          if (name === 'wrong') store.accounts.resetLoginFailures(wrongId);
          const headers = [...response.headers].filter(([key]) => key !== 'date');
          answers.add(JSON.stringify({ status: response.status, body, headers }));
        }
        if (round < WARM_UP) continue;
        const mean = (m: typeof wall) => names.reduce((sum, n) => sum + m[n]!, 0) / names.length;
        for (const n of names) {
          ratios[n].push(wall[n]! / mean(wall));
          cpuRatios[n].push(cpu[n]! / mean(cpu));
        }
      }
      return { wall: spreadOf(ratios), cpu: spreadOf(cpuRatios) };
    }

    // Up to three measurements, keeping the tightest: on a busy 2-core CI box one pass can land at
    // 1.2x by chance, while the bug this guards against (no scrypt for locked accounts) was 20x+.
    let best = await measure();
    for (let pass = 1; pass < 3 && best.wall.spread > 1.2; pass++) {
      const again = await measure();
      if (again.wall.spread < best.wall.spread) best = again;
    }
    expect(answers.size, [...answers].join('\n')).toBe(1);
    expect(JSON.parse(JSON.parse([...answers][0]!).body)).toMatchObject({ code: 'LOGIN_FAILED' });
    expect(JSON.parse([...answers][0]!).status).toBe(401);
    expect(best.wall.spread, `median time per kind relative to its round's mean: ${JSON.stringify(best.wall.medians)}`).toBeLessThanOrEqual(1.2);
    expect(best.cpu.spread, `median CPU time per kind relative to its round's mean: ${JSON.stringify(best.cpu.medians)}`).toBeLessThanOrEqual(1.2);
    store.close();
  }, 180_000);
});
