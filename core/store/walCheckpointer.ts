import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDriver } from './driver.js';

/**
 * WAL checkpoints off the request thread. SQLite's own auto-checkpoint runs inside the COMMIT that
 * pushes the WAL past 1,000 pages: that request copies every page back into the database and waits
 * for two fsyncs (≈ 2–9 ms here), which averaged ≈ 55 µs on every commit of an enrol + login. Once a
 * store has committed STARTUP_COMMITS transactions, a worker thread with its own connection runs a
 * PASSIVE checkpoint every INTERVAL_MS instead (PASSIVE never waits for a lock and never blocks a
 * writer), and the store's own auto-checkpoint stays as a backstop at BACKSTOP_PAGES in case the
 * worker falls behind or dies. Commits are exactly as durable as before: a checkpoint only copies
 * frames already committed to the WAL into the database file.
 */
export const STARTUP_COMMITS = 64;
export const INTERVAL_MS = 100;
export const BACKSTOP_PAGES = 4000;
/** SQLite's default `wal_autocheckpoint`, restored if the worker dies. */
const DEFAULT_AUTOCHECKPOINT = 1000;
/** How long `close` waits for the worker to close its connection. */
const CLOSE_WAIT_MS = 5000;

// CommonJS, evaluated in the worker: works the same from tsx, the compiled CLI and a bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const closed = new Int32Array(workerData.closed);
let db;
let timer;
function finish() {
  clearInterval(timer);
  try { if (db && db.open) db.close(); } catch {}
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
  parentPort.close();
}
try {
  const Database = require(workerData.betterSqlite3);
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
  // data_version moves when another connection commits: an idle store costs a pragma per tick, no checkpoint.
  let seen;
  timer = setInterval(() => {
    try {
      const version = db.pragma('data_version', { simple: true });
      if (version === seen) return;
      seen = version;
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // Another connection's checkpoint holds the lock: the next tick tries again.
      if (/^SQLITE_(BUSY|LOCKED)/.test(String(error && error.code))) return;
      parentPort.postMessage({ type: 'failed', message: String(error && error.message) });
      finish();
    }
  }, workerData.intervalMs);
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: String(error && error.message) });
  finish();
}
parentPort.on('message', (message) => { if (message === 'close') finish(); });
`;

export interface WalCheckpointer {
  /** Counts a commit of the store; the worker starts at the STARTUP_COMMITS-th. */
  noteCommit(): void;
  /** True while the worker runs (tests, the bench). */
  readonly running: boolean;
  /** Stops the worker and waits (bounded) for its connection to close, so the store's close is the last one. */
  close(): void;
}

export function walCheckpointer(driver: SqliteDriver, path: string, opts: { startupCommits?: number; intervalMs?: number } = {}): WalCheckpointer {
  const startupCommits = opts.startupCommits ?? STARTUP_COMMITS;
  let commits = 0;
  let worker: Worker | undefined;
  let closed: Int32Array | undefined;
  let stopped = false;

  const fallBack = () => {
    worker = undefined;
    try {
      driver.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    } catch {
      // The store may be closing; nothing to restore then.
    }
  };

  function start(): void {
    const shared = new SharedArrayBuffer(4);
    closed = new Int32Array(shared);
    try {
      const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, betterSqlite3, intervalMs: opts.intervalMs ?? INTERVAL_MS, closed: shared } });
    } catch {
      return fallBack();
    }
    // Never keeps the process alive; a failed or exited worker hands checkpoints back to SQLite.
    worker.unref();
    worker.on('message', (message: { type?: string }) => {
      if (message?.type === 'failed') fallBack();
    });
    worker.on('error', fallBack);
    worker.on('exit', () => {
      if (!stopped) fallBack();
    });
    driver.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  }

  return {
    noteCommit() {
      if (stopped || worker || ++commits !== startupCommits) return;
      start();
    },
    get running() {
      return worker !== undefined;
    },
    close() {
      stopped = true;
      const running = worker;
      worker = undefined;
      if (!running || !closed) return;
      running.postMessage('close');
      Atomics.wait(closed, 0, 0, CLOSE_WAIT_MS);
      void running.terminate();
    },
  };
}
