import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, spawnLoadServer, startLoadServer, type LoadServer } from '../../../core/load/index.js';

const servers: LoadServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

describe('runLoad', () => {
  it('enrols and logs in every virtual user with no errors', async () => {
    const server = await startLoadServer();
    servers.push(server);
    const report = await runLoad({ baseUrl: server.url, users: 5, concurrency: 2 });
    expect(report.completed).toBe(5);
    expect(report.failed).toBe(0);
    expect(report.errors).toEqual({});
    // 6 prepare requests and 4 passkey requests per user.
    expect(report.prepare.requests).toBe(30);
    expect(report.ceremonies.requests).toBe(20);
    expect(report.ceremonies.latencyMs.count).toBe(20);
    expect(Object.keys(report.statuses)).toEqual(['200']);
    expect(Object.keys(report.routes).sort()).toEqual(['login/options', 'login/verify', 'registration/options', 'registration/verify']);
    expect(report.ceremonies.latencyMs.p50).toBeLessThanOrEqual(report.ceremonies.latencyMs.p99);
  });

  it('works with the noble backend and against a server in a child process', async () => {
    const server = await spawnLoadServer();
    servers.push(server);
    expect(server.pid).not.toBe(process.pid);
    const report = await runLoad({ baseUrl: server.url, users: 3, concurrency: 3, backend: 'noble' });
    expect(report).toMatchObject({ completed: 3, failed: 0, errors: {}, backend: 'noble' });
  });

  it('past the per-IP limit the server answers 429 RATE_LIMITED, never a 5xx', async () => {
    const server = await startLoadServer({ rateLimits: { perIp: { limit: 12, windowMs: 60_000 } } });
    servers.push(server);
    const report = await runLoad({ baseUrl: server.url, users: 6, concurrency: 3 });
    expect(report.errors.RATE_LIMITED).toBeGreaterThan(0);
    expect(report.statuses['429']).toBe(report.errors.RATE_LIMITED);
    expect(Object.keys(report.statuses).filter((s) => s.startsWith('5'))).toEqual([]);
    expect(Object.keys(report.errors)).toEqual(['RATE_LIMITED']);
    expect(report.completed + report.failed).toBe(6);
    expect(report.failed).toBeGreaterThan(0);
  });

  it('refuses a target that is not loopback', async () => {
    await expect(runLoad({ baseUrl: 'http://example.com:8787', users: 1, concurrency: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runLoad({ baseUrl: 'http://localhost:1', users: 0, concurrency: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
