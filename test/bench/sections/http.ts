import { runLoad, spawnLoadServer } from '../../../core/load/index.js';
import { inProcessEnrolLoginRate } from '../inProcess.js';
import type { Section } from '../section.js';

const USERS = 200;

/**
 * `pkh load` over loopback: runLoad against a server in a child process (own event loop) at
 * C = 1, 8, 64, beside the in-process rate of the same run; then a server with a low per-IP
 * limit to show that overload is answered 429 RATE_LIMITED, not 5xx.
 */
export async function run(): Promise<Section> {
  const inProcess = await inProcessEnrolLoginRate(200);
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  const server = await spawnLoadServer();
  try {
    for (const concurrency of [1, 8, 64]) {
      const r = await runLoad({ baseUrl: server.url, users: USERS, concurrency });
      const l = r.ceremonies.latencyMs;
      const errors = Object.entries(r.errors).map(([c, n]) => `${c}×${n}`).join(' ') || '0';
      rows.push([`C=${concurrency}`, USERS, r.ceremonies.enrolLoginPerSecond, Number((r.ceremonies.enrolLoginPerSecond / inProcess).toFixed(2)), r.ceremonies.requestsPerSecond, l.p50, l.p95, l.p99, errors]);
      if (concurrency === 8) {
        const ok = r.ceremonies.enrolLoginPerSecond >= inProcess * 0.5 && l.p99 < 100 && r.failed === 0;
        notes.push(`goal at C=8 (≥ 50% of in-process ${Math.round(inProcess)}/s, p99 < 100 ms, zero errors): ${ok ? 'met' : 'missed'}`);
      }
    }
  } finally {
    await server.close();
  }
  const limited = await spawnLoadServer({ rateLimits: { perIp: { limit: 100, windowMs: 60_000 } } });
  try {
    const r = await runLoad({ baseUrl: limited.url, users: 60, concurrency: 8 });
    const fiveXx = Object.entries(r.statuses).filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0);
    rows.push(['overload (per-IP limit 100/min)', 60, r.ceremonies.enrolLoginPerSecond, '-', r.ceremonies.requestsPerSecond, r.ceremonies.latencyMs.p50, r.ceremonies.latencyMs.p95, r.ceremonies.latencyMs.p99, Object.entries(r.errors).map(([c, n]) => `${c}×${n}`).join(' ') || '0']);
    notes.push(`overload: statuses ${Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' ')}; 5xx = ${fiveXx}; ${r.completed} users completed before the limit, ${r.failed} stopped at a 429.`);
  } finally {
    await limited.close();
  }
  notes.unshift(`Throughput = passkey phase only (registration options → create → verify, login options → get → verify; 4 requests per user); accounts, password login and email step-up run first, untimed. Server: child process, SQLite file, limits raised (LOAD_RATE_LIMITS). in-process = ${Math.round(inProcess)} enrol+login/s in this run.`);
  return {
    title: `HTTP load over loopback (pkh load, ${USERS} virtual users, node:crypto phones)`,
    columns: ['run', 'users', 'enrol+login/s', '÷ in-process', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
    rows,
    notes,
  };
}
