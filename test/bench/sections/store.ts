import { performance } from 'node:perf_hooks';
import type { SqliteDriver, Statement } from '../../../core/store/index.js';
import { built } from '../built.js';
import { inProcessRp, warmInProcess } from '../inProcess.js';
import type { Section } from '../section.js';

const COUNT = 400;

interface Tally {
  statements: number;
  transactions: number;
  /** Inside statements' run/get/all. */
  statementMs: number;
  /** BEGIN, COMMIT and the commit hooks (checkpoint signing, sidecar write): a transaction's time outside its body and statements. */
  commitMs: number;
}

const { openBetterSqlite } = await built<typeof import('../../../core/store/index.js')>('core/store/index.js');

/** The real better-sqlite3 driver, tallying what reaches SQLite. */
function countingDriver(path: string, tally: Tally): SqliteDriver {
  const inner = openBetterSqlite(path);
  const timed = <T>(fn: () => T): T => {
    tally.statements++;
    const start = performance.now();
    try {
      return fn();
    } finally {
      tally.statementMs += performance.now() - start;
    }
  };
  let depth = 0;
  return {
    kind: inner.kind,
    prepare(sql) {
      const s = inner.prepare(sql);
      const counted: Statement = { run: (p) => timed(() => s.run(p)), get: (p) => timed(() => s.get(p)), all: (p) => timed(() => s.all(p)) };
      return counted;
    },
    exec: (sql) => inner.exec(sql),
    transaction(fn) {
      if (depth > 0) return inner.transaction(fn);
      depth++;
      const wall0 = performance.now();
      const stmt0 = tally.statementMs;
      let bodyWall = 0;
      let bodyStmt = 0;
      try {
        return inner.transaction(() => {
          const w = performance.now();
          const s = tally.statementMs;
          try {
            return fn();
          } finally {
            bodyWall += performance.now() - w;
            bodyStmt += tally.statementMs - s;
          }
        });
      } finally {
        depth--;
        tally.transactions++;
        const outsideStmt = tally.statementMs - stmt0 - bodyStmt;
        tally.commitMs += performance.now() - wall0 - bodyWall - outsideStmt;
      }
    },
    afterCommit: (fn) => inner.afterCommit(fn),
    afterRollback: (fn) => inner.afterRollback(fn),
    beforeCommit: (fn) => inner.beforeCommit(fn),
    pragma: (statement) => inner.pragma(statement),
    close: () => inner.close(),
  };
}

/**
 * What an enrol + login asks of SQLite (issue 15's levers are counted here): statements and
 * transactions per enrol + login, and the time inside them, beside the wall time of the whole.
 */
export async function run(): Promise<Section> {
  await warmInProcess();
  const tally: Tally = { statements: 0, transactions: 0, statementMs: 0, commitMs: 0 };
  const fx = await inProcessRp({ driver: (path) => countingDriver(path, tally) });
  try {
    for (const u of await fx.prepare(30)) {
      await fx.enrol(u);
      await fx.login(u);
    }
    const users = await fx.prepare(COUNT);
    Object.assign(tally, { statements: 0, transactions: 0, statementMs: 0, commitMs: 0 });
    const start = performance.now();
    for (const u of users) {
      await fx.enrol(u);
      await fx.login(u);
    }
    const wallUs = ((performance.now() - start) * 1000) / COUNT;
    const per = (n: number) => Number((n / COUNT).toFixed(1));
    const us = (ms: number) => Math.round((ms * 1000) / COUNT);
    const sqliteUs = us(tally.statementMs + tally.commitMs);
    return {
      title: `Store: what one enrol + login asks of SQLite (file, WAL; ${COUNT} enrol + logins, counted at the driver)`,
      columns: ['per enrol + login', 'value'],
      rows: [
        ['statements (run/get/all)', per(tally.statements)],
        ['transactions (each one durable commit)', per(tally.transactions)],
        ['µs inside statements', us(tally.statementMs)],
        ['µs in BEGIN/COMMIT and commit hooks', us(tally.commitMs)],
        ['µs in SQLite, total', sqliteUs],
        ['µs wall, whole enrol + login (phone included)', Math.round(wallUs)],
        ['SQLite share of the wall time', `${Math.round((100 * sqliteUs) / wallUs)} %`],
      ],
      notes: ['Counting adds a few µs per statement to the wall time; the rp and peers sections run without it.'],
    };
  } finally {
    fx.close();
  }
}
