import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../core/harness/index.js';
import { openStore } from '../../../core/store/index.js';

/**
 * Issue 11: `--seed` made secrets predictable — two fresh servers with the same seed printed the
 * same operator token, issued the same session cookie and mailed the same step-up code. The seed is
 * for what phones make; tokens, session IDs, codes and server secrets come from the OS CSPRNG.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function post(server: RunningServer, path: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { origin: server.url, 'x-harness-csrf': '1', 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

/** A fresh server with the seed; the demo customer logs in and asks for a step-up code. */
async function secretsOf(seed: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pkh-seed-'));
  dirs.push(dir);
  const dbPath = join(dir, 'server.sqlite');
  const server = await startServer({ dbPath, seed, staticDir: null, actor: { name: 'tester', role: 'operator' } });
  try {
    expect(server.demoCustomer?.username).toBe('demo');
    const login = await post(server, '/api/login', { loginId: 'demo', password: 'password' });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('pkh_session='))!;
    const emails = (await (await fetch(`${server.url}/api/emails`, { headers: { cookie } })).json()) as { emails: { emailId: number }[] };
    expect((await post(server, '/api/step-up/email', { emailId: emails.emails[0]!.emailId }, cookie)).status).toBe(200);
    const [mail] = await server.harness['mailbox.list']({});
    const code = /\b(\d{6})\b/.exec(mail!.text)![1]!;
    return { tokens: [server.operator.token, server.viewer!.token], cookie, code, dbPath };
  } finally {
    await server.close();
  }
}

describe('--seed never makes secrets predictable', () => {
  it('two fresh servers with the same seed: different tokens, session cookies, step-up codes and rp secrets', async () => {
    const a = await secretsOf('same-seed');
    const b = await secretsOf('same-seed');
    expect(a.tokens[0]).not.toBe(b.tokens[0]);
    expect(a.tokens[1]).not.toBe(b.tokens[1]);
    expect(a.cookie).not.toBe(b.cookie);
    // From the seeded generator both servers mailed the same code; from the CSPRNG they collide once in 10^6.
    expect(a.code).not.toBe(b.code);
    const secret = (dbPath: string) => {
      const store = openStore({ path: dbPath });
      try {
        return [store.meta.get('rp.secret'), store.accounts.byLoginId('demo')!.passwordHash];
      } finally {
        store.close();
      }
    };
    const [secretA, hashA] = secret(a.dbPath);
    const [secretB, hashB] = secret(b.dbPath);
    expect(secretA).not.toBe(secretB);
    // Same password, different salt.
    expect(hashA).not.toBe(hashB);
  }, 120_000);
});
