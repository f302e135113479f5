import { createRequire } from 'node:module';
import { HarnessError } from '../errors.js';

/**
 * The one seam between the store and SQLite (DESIGN §5): `better-sqlite3` under Node 20
 * (CLI, server, tests) and `node:sqlite` inside Electron (Node 24), so the desktop app
 * needs no native module rebuilt for Electron's ABI. Repositories only see this interface.
 */
export type SqlValue = string | number | bigint | Uint8Array | null;
export type SqlParams = Record<string, SqlValue | boolean | undefined> | readonly SqlValue[];
export type Row = Record<string, unknown>;

export interface Statement {
  run(params?: SqlParams): { changes: number; lastInsertRowid: number | bigint };
  get<T = Row>(params?: SqlParams): T | undefined;
  all<T = Row>(params?: SqlParams): T[];
}

export interface SqliteDriver {
  readonly kind: 'better-sqlite3' | 'node:sqlite';
  prepare(sql: string): Statement;
  exec(sql: string): void;
  /** Runs `fn` in one BEGIN IMMEDIATE transaction; nested calls join the outer one. */
  transaction<T>(fn: () => T): T;
  /**
   * Runs `fn` once the outermost transaction commits (at once outside one); dropped on rollback.
   * For side effects outside SQLite that must never claim what did not commit (the audit sidecar).
   */
  afterCommit(fn: () => void): void;
  /** Runs `fn` if the outermost transaction rolls back (never outside one); dropped on commit. */
  afterRollback(fn: () => void): void;
  /**
   * Runs `fn` inside the outermost transaction just before it commits (at once outside one): for a
   * write that only the transaction's last state needs (the audit checkpoint). A throw rolls it back.
   */
  beforeCommit(fn: () => void): void;
  /** `pragma('journal_mode = WAL')` → first column of the first row, or undefined. */
  pragma(statement: string): unknown;
  close(): void;
}

const require = createRequire(import.meta.url);

/** Named parameters: repositories write `@name` in SQL and pass `{ name }` objects. */
function normalize(params: SqlParams | undefined): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(bindable);
  return [bindableObject(params as Record<string, unknown>)];
}

/** The object itself when every value binds as is (the usual case: no copy), else a copy with booleans and undefined mapped. */
function bindableObject(params: Record<string, unknown>): Record<string, unknown> {
  for (const key in params) {
    const value = params[key];
    if (value === undefined || typeof value === 'boolean') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(params)) out[k] = bindable(v);
      return out;
    }
  }
  return params;
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** A row as a record keyed by column name (a later duplicate name wins, as in better-sqlite3's own objects), BLOBs as plain Uint8Array. */
function toRecord(columns: readonly string[], values: readonly unknown[]): Row {
  const out: Row = {};
  for (let i = 0; i < columns.length; i++) {
    const value = values[i];
    out[columns[i]!] = value instanceof Uint8Array && value.constructor !== Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : value;
  }
  return out;
}

function toUint8(row: unknown): unknown {
  if (!row || typeof row !== 'object') return row;
  const record = row as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    // Both drivers hand back BLOBs as Buffer/Uint8Array; core's types promise plain Uint8Array.
    if (value instanceof Uint8Array && value.constructor !== Uint8Array) {
      record[key] = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return record;
}

/**
 * SQLite result codes that mean "another connection holds the lock" (SQLITE_BUSY = 5,
 * SQLITE_LOCKED = 6; extended codes keep the primary code in their low byte). better-sqlite3
 * names them in `code` ('SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED_SHAREDCACHE', …);
 * node:sqlite sets `code: 'ERR_SQLITE_ERROR'` and the number in `errcode`.
 */
export function isBusyError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code)) return true;
  return typeof errcode === 'number' && ((errcode & 0xff) === 5 || (errcode & 0xff) === 6);
}

/**
 * SQLite primary result codes that mean the database file itself failed, not the request (sqlite3.h):
 * what the operator must fix, named in words. Any other SQLite error is a defect and stays INTERNAL.
 */
const STORE_FAULTS: ReadonlyMap<number, { name: string; message: string }> = new Map([
  [3, { name: 'SQLITE_PERM', message: 'the database file may not be accessed (permissions)' }],
  [8, { name: 'SQLITE_READONLY', message: 'the database is read-only' }],
  [10, { name: 'SQLITE_IOERR', message: 'the database file could not be read or written (I/O error)' }],
  [11, { name: 'SQLITE_CORRUPT', message: 'the database file is damaged' }],
  [13, { name: 'SQLITE_FULL', message: 'the database or its disk is full' }],
  [14, { name: 'SQLITE_CANTOPEN', message: 'the database file cannot be opened' }],
  [26, { name: 'SQLITE_NOTADB', message: 'the database file is not an SQLite database' }],
]);

/** The primary result code of a driver error: better-sqlite3 names it in `code`, node:sqlite numbers it in `errcode`. */
function primaryResultCode(error: unknown): number | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (typeof errcode === 'number') return errcode & 0xff;
  if (typeof code !== 'string') return undefined;
  for (const [number, fault] of STORE_FAULTS) if (code === fault.name || code.startsWith(`${fault.name}_`)) return number;
  return undefined;
}

/**
 * A lock still held after busy_timeout is a transient condition of the server, not a fault in
 * the request: callers get STORE_BUSY (HTTP 503 + Retry-After), never a raw SQLite error. A full
 * disk, a read-only or damaged file: STORE_FAILED with what went wrong (the transaction rolled back).
 */
function translate(error: unknown): unknown {
  if (error instanceof HarnessError) return error;
  if (isBusyError(error)) return new HarnessError('STORE_BUSY', 'the database is busy, try again shortly', { cause: error });
  const fault = STORE_FAULTS.get(primaryResultCode(error) ?? -1);
  if (!fault) return error;
  return new HarnessError('STORE_FAILED', fault.message, { cause: error, details: { sqlite: fault.name } });
}

function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw translate(error);
  }
}

/** Every statement's errors translated (no closure per call: these run tens of times per ceremony). */
function guarded(raw: Statement): Statement {
  return {
    run: (params) => {
      try {
        return raw.run(params);
      } catch (error) {
        throw translate(error);
      }
    },
    get: <T>(params?: SqlParams) => {
      try {
        return raw.get<T>(params);
      } catch (error) {
        throw translate(error);
      }
    },
    all: <T>(params?: SqlParams) => {
      try {
        return raw.all<T>(params);
      } catch (error) {
        throw translate(error);
      }
    },
  };
}

/** BEGIN IMMEDIATE already waits busy_timeout; a few more rounds cover a writer that keeps re-taking the lock. */
const BEGIN_ATTEMPTS = 3;

abstract class BaseDriver implements SqliteDriver {
  abstract readonly kind: SqliteDriver['kind'];
  private depth = 0;
  private afterCommitQueue: Array<() => void> = [];
  private afterRollbackQueue: Array<() => void> = [];
  private beforeCommitQueue: Array<() => void> = [];
  private readonly cache = new Map<string, Statement>();

  protected abstract prepareRaw(sql: string): Statement;
  protected abstract execRaw(sql: string): void;
  protected abstract pragmaRaw(statement: string): unknown;
  abstract close(): void;

  /** Statements are prepared once and reused (better-sqlite3's advice). */
  prepare(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = guarded(translated(() => this.prepareRaw(sql)));
      this.cache.set(sql, statement);
    }
    return statement;
  }

  exec(sql: string): void {
    translated(() => this.execRaw(sql));
  }

  pragma(statement: string): unknown {
    return translated(() => this.pragmaRaw(statement));
  }

  /** BEGIN/COMMIT/ROLLBACK as prepared statements: `exec` would parse them again on every transaction. */
  private readonly control = new Map<string, Statement>();
  private runControl(sql: 'BEGIN IMMEDIATE' | 'COMMIT' | 'ROLLBACK'): void {
    let statement = this.control.get(sql);
    if (!statement) this.control.set(sql, (statement = translated(() => this.prepareRaw(sql))));
    translated(() => statement.run());
  }

  private begin(): void {
    for (let attempt = 1; ; attempt++) {
      try {
        this.runControl('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!(error instanceof HarnessError && error.code === 'STORE_BUSY') || attempt >= BEGIN_ATTEMPTS) throw error;
      }
    }
  }

  afterCommit(fn: () => void): void {
    if (this.depth === 0) fn();
    else this.afterCommitQueue.push(fn);
  }

  afterRollback(fn: () => void): void {
    if (this.depth > 0) this.afterRollbackQueue.push(fn);
  }

  beforeCommit(fn: () => void): void {
    if (this.depth === 0) fn();
    else this.beforeCommitQueue.push(fn);
  }

  private static runHooks(hooks: Array<() => void>): void {
    for (const hook of hooks) {
      try {
        hook();
      } catch {
        // Hooks report their own failures (e.g. the audit sidecar records its write error).
      }
    }
  }

  transaction<T>(fn: () => T): T {
    if (this.depth > 0) {
      this.depth++;
      try {
        return fn();
      } finally {
        this.depth--;
      }
    }
    this.begin();
    this.depth = 1;
    try {
      const result = fn();
      if (result instanceof Promise) throw new HarnessError('INTERNAL', 'transactions must be synchronous');
      // A hook may queue another (it writes, and that write wants its own last word).
      while (this.beforeCommitQueue.length > 0) this.beforeCommitQueue.shift()!();
      this.runControl('COMMIT');
      const queued = this.afterCommitQueue;
      this.afterCommitQueue = [];
      this.afterRollbackQueue = [];
      this.depth = 0;
      // The transaction committed: a failing hook must not turn it into an error for the caller.
      BaseDriver.runHooks(queued);
      return result;
    } catch (error) {
      this.afterCommitQueue = [];
      this.beforeCommitQueue = [];
      const rolledBack = this.afterRollbackQueue;
      this.afterRollbackQueue = [];
      try {
        this.runControl('ROLLBACK');
      } catch {
        // SQLite may already have rolled back (e.g. after SQLITE_FULL); the first error is the one to report.
      }
      this.depth = 0;
      BaseDriver.runHooks(rolledBack);
      throw error;
    } finally {
      this.depth = 0;
    }
  }
}

class BetterSqliteDriver extends BaseDriver {
  readonly kind = 'better-sqlite3' as const;
  constructor(private readonly db: import('better-sqlite3').Database) {
    super();
  }
  protected prepareRaw(sql: string): Statement {
    const statement = this.db.prepare(sql);
    const returnsData = statement.reader;
    // Rows come back as arrays and become records here: better-sqlite3 builds each row object
    // through V8's API one property at a time (≈ 3 µs of a 19-column passkey row).
    const columns = returnsData ? statement.raw(true).columns().map((c) => c.name) : [];
    const record = (values: unknown[]) => toRecord(columns, values);
    return {
      run: (params) => {
        const info = statement.run(...(normalize(params) as []));
        return { changes: info.changes, lastInsertRowid: info.lastInsertRowid };
      },
      get: <T>(params?: SqlParams) => {
        const values = returnsData ? (statement.get(...(normalize(params) as [])) as unknown[] | undefined) : undefined;
        return (values === undefined ? undefined : record(values)) as T | undefined;
      },
      all: <T>(params?: SqlParams) => (returnsData ? (statement.all(...(normalize(params) as [])) as unknown[][]).map(record) : []) as T[],
    };
  }
  protected execRaw(sql: string): void {
    this.db.exec(sql);
  }
  protected pragmaRaw(statement: string): unknown {
    return this.db.pragma(statement, { simple: true });
  }
  /** The whole database as bytes (SQLite's serialization), for `openBetterSqliteImage`. */
  serialize(): Buffer {
    return this.db.serialize();
  }
  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface NodeSqliteStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  setAllowBareNamedParameters?(enabled: boolean): void;
}
interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
}

class NodeSqliteDriver extends BaseDriver {
  readonly kind = 'node:sqlite' as const;
  constructor(private readonly db: NodeSqliteDatabase) {
    super();
  }
  protected prepareRaw(sql: string): Statement {
    const statement = this.db.prepare(sql);
    statement.setAllowBareNamedParameters?.(true);
    return {
      run: (params) => {
        const info = statement.run(...normalize(params));
        return { changes: Number(info.changes), lastInsertRowid: info.lastInsertRowid };
      },
      get: <T>(params?: SqlParams) => toUint8(statement.get(...normalize(params))) as T | undefined,
      all: <T>(params?: SqlParams) => statement.all(...normalize(params)).map(toUint8) as T[],
    };
  }
  protected execRaw(sql: string): void {
    this.db.exec(sql);
  }
  protected pragmaRaw(statement: string): unknown {
    const row = this.db.prepare(`PRAGMA ${statement}`).get() as Record<string, unknown> | undefined;
    return row ? Object.values(row)[0] : undefined;
  }
  close(): void {
    this.db.close();
  }
}

export function openBetterSqlite(path: string): SqliteDriver {
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  return new BetterSqliteDriver(new Database(path));
}

/** A new in-memory database that starts as a copy of `image` (a `serialize()` of another). */
export function openBetterSqliteImage(image: Buffer): SqliteDriver {
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  return new BetterSqliteDriver(new Database(image));
}

/** A fresh in-memory better-sqlite3 database with its serializer (for building an image). */
export function openBetterSqliteMemory(): SqliteDriver & { serialize(): Buffer } {
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  return new BetterSqliteDriver(new Database(':memory:'));
}

/** Needs Node ≥ 22.5 (Electron 40 ships Node 24); throws STORE_FAILED on Node 20. */
export function openNodeSqlite(path: string): SqliteDriver {
  let sqlite: { DatabaseSync: new (path: string) => NodeSqliteDatabase };
  try {
    sqlite = require('node:sqlite');
  } catch (cause) {
    throw new HarnessError('STORE_FAILED', `node:sqlite is not available in Node ${process.versions.node}`, { cause });
  }
  return new NodeSqliteDriver(new sqlite.DatabaseSync(path));
}

/** Electron (and any Node with node:sqlite) gets the built-in driver; plain Node 20 gets better-sqlite3. */
export function openDefaultDriver(path: string): SqliteDriver {
  return process.versions.electron ? openNodeSqlite(path) : openBetterSqlite(path);
}
