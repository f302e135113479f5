import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../core/rp/index.js';
import { openStore } from '../../core/store/index.js';

/**
 * Issue 6, crash safety. A child (test/hardening/crashChild.ts, bundled once with esbuild so it starts
 * in a few hundred ms) enrols and logs in in a loop against a file database, printing ACK lines only
 * after commit; we SIGKILL it at a random moment (anywhere from start-up/migrations to mid-ceremony).
 * After each kill, on a fresh connection:
 * - PRAGMA integrity_check is "ok" and the audit chain verifies;
 * - every acknowledged passkey exists (right account, counter ≥ acknowledged) and every acknowledged
 *   audit row exists with the acknowledged hash;
 * - nothing is half-consumed, defined as: (a) passkey rows ⇔ `registration.finish` success rows (same
 *   passkeyId), one to one; (b) every success of `registration.finish` / `login.passkey` names a
 *   challenge whose consumed_at is set; (c) every step-up code with used_at set has its session marked
 *   stepped-up, and `stepup.verify` success rows = used codes; (d) no code has tries > maxCodeTries.
 * Kills: PASSKEY_HARNESS_CRASH_KILLS (default 200), in two lanes (two database files) to use both cores.
 */
const KILLS = Number(process.env.PASSKEY_HARNESS_CRASH_KILLS) > 0 ? Number(process.env.PASSKEY_HARNESS_CRASH_KILLS) : 200;
const LANES = 2;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// Inside the repo so the bundle's require('better-sqlite3') resolves from node_modules.
const bundle = join(root, 'node_modules', '.cache', 'pkh-hardening', 'crashChild.mjs');
let dir: string;

interface Ack {
  kind: 'registration' | 'login';
  loginId: string;
  credentialId: string;
  counter?: number;
  auditId: number;
  auditHash: string;
}

beforeAll(async () => {
  mkdirSync(dirname(bundle), { recursive: true });
  await build({
    entryPoints: [join(here, 'crashChild.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'error',
  });
  dir = mkdtempSync(join(tmpdir(), 'pkh-crash-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Outcome = { acks: Ack[]; ready: boolean; stderr: string };

/**
 * Spawns a child that loads its code and then waits; `go` lets it open the database and SIGKILLs it
 * `ms` later (`from: 'go'`, i.e. while it opens/recovers the database) or `ms` after READY. Each lane
 * spawns its next child before running the current one, so start-up costs no wall-clock time.
 */
function prepareChild(db: string, tag: string): { go: (ms: number, from: 'go' | 'ready') => Promise<Outcome> } {
  const child = spawn(process.execPath, [bundle, db, tag], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  let timer: NodeJS.Timeout | undefined;
  let killFromReady: number | undefined;
  child.stdout.on('data', (d) => {
    out += String(d);
    if (killFromReady !== undefined && !timer && out.includes('READY\n')) timer = setTimeout(() => child.kill('SIGKILL'), killFromReady);
  });
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    go(ms, from) {
      if (from === 'go') timer = setTimeout(() => child.kill('SIGKILL'), ms);
      else killFromReady = ms;
      child.stdin.write('go\n');
      return exited.then(() => {
        clearTimeout(timer);
        // Only complete lines count: a torn last line was never fully acknowledged.
        const lines = out.split('\n').slice(0, -1);
        return { acks: lines.filter((l) => l.startsWith('ACK ')).map((l) => JSON.parse(l.slice(4)) as Ack), ready: lines.includes('READY'), stderr };
      });
    },
  };
}

function checkDatabase(db: string, acks: Ack[]): void {
  const store = openStore({ path: db });
  try {
    const q = <T>(sql: string, params?: Record<string, string | number>) => store.driver.prepare(sql).all<T>(params);
    expect(store.driver.pragma('integrity_check')).toBe('ok');
    expect(store.audit.verify().ok).toBe(true);

    for (const ack of acks) {
      const passkey = store.passkeys.byCredentialId(ack.credentialId);
      expect(passkey, `acknowledged passkey ${ack.credentialId}`).toBeDefined();
      expect(store.accounts.byId(passkey!.accountId)?.loginId).toBe(ack.loginId);
      if (ack.counter !== undefined) expect(passkey!.counter).toBeGreaterThanOrEqual(ack.counter);
      const audit = q<{ hash: string }>('SELECT hash FROM audit_log WHERE id = @id', { id: ack.auditId });
      expect(audit[0]?.hash, `acknowledged audit row ${ack.auditId}`).toBe(ack.auditHash);
    }

    // (a) passkeys ⇔ registration.finish successes
    const passkeyIds = q<{ id: number }>('SELECT id FROM passkeys ORDER BY id').map((r) => r.id);
    const finished = q<{ details: string }>("SELECT details FROM audit_log WHERE action = 'registration.finish' AND outcome = 'success'").map((r) => JSON.parse(r.details) as { passkeyId: number; ceremonyId: string });
    expect(finished.map((d) => d.passkeyId).sort((a, b) => a - b)).toEqual(passkeyIds);
    // (b) no success without its ceremony recorded as used (audit rows name ceremonies by label)
    const logins = q<{ details: string }>("SELECT details FROM audit_log WHERE action = 'login.passkey' AND outcome = 'success'").map((r) => JSON.parse(r.details) as { ceremonyId: string });
    for (const { ceremonyId } of [...finished, ...logins]) {
      expect(store.ceremonies.usedAt(ceremonyId), `ceremony ${ceremonyId} of a success`).toBeDefined();
    }
    // (c) used codes ⇔ stepped-up sessions and stepup.verify successes
    const used = q<{ sessionId: number; stepUpAt: number | null }>('SELECT c.session_id AS sessionId, s.step_up_at AS stepUpAt FROM step_up_codes c JOIN sessions s ON s.id = c.session_id WHERE c.used_at IS NOT NULL');
    for (const u of used) expect(u.stepUpAt, `session ${u.sessionId} of a used code`).not.toBeNull();
    const verified = q<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'stepup.verify' AND outcome = 'success'")[0]!.n;
    expect(verified).toBe(q<{ n: number }>('SELECT COUNT(*) AS n FROM step_up_codes WHERE used_at IS NOT NULL')[0]!.n);
    // (d) tries never exceed the limit
    expect(q<{ n: number }>('SELECT COUNT(*) AS n FROM step_up_codes WHERE tries > @max', { max: DEFAULT_POLICY.maxCodeTries })[0]!.n).toBe(0);
  } finally {
    store.close();
  }
}

describe('crash safety under SIGKILL', () => {
  it(`${KILLS} kills at random moments leave a consistent database with every acknowledged write`, async () => {
    const started = performance.now();
    let ackTotal = 0;
    let killedBeforeReady = 0;
    let runMs = 0;
    let checkMs = 0;
    const lane = async (n: number) => {
      const db = join(dir, `lane-${n}.sqlite`);
      const acks: Ack[] = [];
      let next = prepareChild(db, `l${n}k${n}`);
      for (let k = n; k < KILLS; k += LANES) {
        const current = next;
        if (k + LANES < KILLS) next = prepareChild(db, `l${n}k${k + LANES}`);
        // One kill in five lands while the database is opened (WAL recovery, migrations on the first
        // run); the rest inside the enrol/login loop (one enrol + login takes tens of ms unloaded).
        const duringStartup = Math.random() < 0.2;
        const t0 = performance.now();
        const result = await current.go(Math.floor(Math.random() * (duringStartup ? 30 : 300)), duringStartup ? 'go' : 'ready');
        const t1 = performance.now();
        runMs += t1 - t0;
        if (!result.ready) killedBeforeReady++;
        expect(result.stderr).toBe('');
        acks.push(...result.acks);
        ackTotal += result.acks.length;
        checkDatabase(db, acks);
        checkMs += performance.now() - t1;
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, n) => lane(n)));
    console.log(`crash: ${KILLS} kills, ${ackTotal} acknowledged operations, ${killedBeforeReady} kills before READY, run ${(runMs / KILLS).toFixed(0)} ms + check ${(checkMs / KILLS).toFixed(0)} ms per kill, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(ackTotal).toBeGreaterThan(0);
  }, 600_000);
});
