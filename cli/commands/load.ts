import { CliError } from '../cliError.js';
import type { CommandContext } from '../context.js';
import { printData } from '../output.js';
import type { LoadReport } from '../../core/load/index.js';

interface LoadOptions {
  users: string;
  concurrency: string;
  backend: 'node' | 'noble';
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new CliError('USAGE', `${flag} must be an integer 1–100000, got "${value}"`);
  return n;
}

function human(r: LoadReport & { server: string }): string {
  const l = r.ceremonies.latencyMs;
  const lines = [
    `target      ${r.baseUrl} (${r.server})`,
    `users       ${r.users} at concurrency ${r.concurrency} (phones: ${r.backend} crypto)`,
    `completed   ${r.completed} enrolled + logged in, ${r.failed} failed`,
    `prepare     ${r.prepare.requests} requests in ${r.prepare.ms} ms (account, password login, email step-up)`,
    `passkeys    ${r.ceremonies.requests} requests in ${r.ceremonies.ms} ms: ${r.ceremonies.enrolLoginPerSecond} enrol+login/s, ${r.ceremonies.requestsPerSecond} req/s`,
    `latency ms  p50 ${l.p50}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max}`,
    ...Object.entries(r.routes).map(([route, s]) => `  ${route.padEnd(22)} p50 ${s.p50}  p95 ${s.p95}  p99 ${s.p99}`),
    `statuses    ${Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join('  ')}`,
    `errors      ${Object.keys(r.errors).length === 0 ? 'none' : Object.entries(r.errors).map(([c, n]) => `${c}×${n}`).join('  ')}`,
  ];
  return lines.join('\n');
}

/**
 * `pkh load`: enrol and log in N virtual users over loopback HTTP. Without --server it spawns
 * its own server in a child process (own event loop), on a temp SQLite file, with rate limits
 * raised so the run measures throughput; against --server the server's own limits apply (429s
 * show up under errors as RATE_LIMITED).
 */
export async function load(ctx: CommandContext, opts: LoadOptions) {
  const users = positiveInt('--users', opts.users);
  const concurrency = positiveInt('--concurrency', opts.concurrency);
  const { runLoad, spawnLoadServer } = await import('../../core/load/index.js');
  const spawned = ctx.config.server ? undefined : await spawnLoadServer();
  try {
    const report = await runLoad({ baseUrl: ctx.config.server ?? spawned!.url, users, concurrency, backend: opts.backend, ...(ctx.config.server && ctx.config.token ? { token: ctx.config.token } : {}) });
    const result = { ...report, server: spawned ? `embedded, child process ${spawned.pid}` : 'external' };
    printData(ctx.io, result, human);
    return report.failed === 0 ? 0 : 1;
  } finally {
    await spawned?.close();
  }
}
