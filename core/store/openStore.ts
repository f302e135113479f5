import { makeDirs } from '../makeDirs.js';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { HarnessError } from '../errors.js';
import { openAuditAnchor, type AuditAnchor } from './auditAnchor.js';
import { refuseForeignDatabase } from './foreignDatabase.js';
import { openBetterSqlite, openBetterSqliteImage, openBetterSqliteMemory, openDefaultDriver, openNodeSqlite, type SqliteDriver } from './driver.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { walCheckpointer, type WalCheckpointer } from './walCheckpointer.js';
import {
  accountsRepository,
  adminsRepository,
  auditRepository,
  ceremoniesRepository,
  emailsRepository,
  metaRepository,
  otpRepository,
  outboxRepository,
  passkeysRepository,
  sessionsRepository,
  stepUpRepository,
} from './repositories/index.js';

/** `$XDG_DATA_HOME/passkey-harness/server.sqlite`, else `~/.local/share/passkey-harness/server.sqlite`. */
export function defaultDbPath(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.trim() !== '' ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'passkey-harness', 'server.sqlite');
}

export type Store = ReturnType<typeof buildStore>;

function buildStore(driver: SqliteDriver, path: string, anchor: AuditAnchor, checkpointer?: WalCheckpointer) {
  const audit = auditRepository(driver, anchor);
  return {
    driver,
    path,
    /** One BEGIN IMMEDIATE transaction; nested calls join the outer one. Never async inside. */
    transaction: <T>(fn: () => T): T => {
      const result = driver.transaction(fn);
      checkpointer?.noteCommit();
      return result;
    },
    /** The background WAL checkpointer of a file store on better-sqlite3 (walCheckpointer.ts), if any. */
    checkpointer,
    close: (): void => {
      // Rows held by appendSoon are written before the file closes.
      audit.flush();
      // The worker's connection closes first: the store's is then the last, which checkpoints and removes the WAL.
      checkpointer?.close();
      driver.close();
      anchor.close();
    },
    schemaVersion: (): number => Number(driver.pragma('user_version')),
    accounts: accountsRepository(driver),
    emails: emailsRepository(driver),
    otp: otpRepository(driver),
    sessions: sessionsRepository(driver),
    stepUp: stepUpRepository(driver),
    ceremonies: ceremoniesRepository(driver),
    passkeys: passkeysRepository(driver),
    admins: adminsRepository(driver),
    audit,
    outbox: outboxRepository(driver),
    meta: metaRepository(driver),
  };
}

/** Applies the migrations the database has not seen yet, each in its own immediate transaction. */
export function migrate(driver: SqliteDriver, migrations: readonly Migration[] = MIGRATIONS): number {
  let current = Number(driver.pragma('user_version'));
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  if (current > latest) {
    throw new HarnessError('STORE_FAILED', `database schema ${current} is newer than this harness (${latest})`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    driver.transaction(() => {
      // Another process may have applied it between our read and our write lock (two servers
      // starting on one fresh file): re-read the version under the lock.
      if (Number(driver.pragma('user_version')) >= migration.version) return;
      driver.exec(migration.sql);
      // user_version lives in the database header and commits with the transaction.
      driver.exec(`PRAGMA user_version = ${migration.version}`);
    });
    current = migration.version;
  }
  return current;
}

/**
 * An empty database with every migration applied, serialized once per process. An in-memory
 * store (each scenario world, each in-memory harness) starts as a copy of it instead of running
 * every migration again (≈ 7 % of a scenario). better-sqlite3 only: node:sqlite cannot deserialize.
 */
let migratedImage: Buffer | undefined;

function openMigratedMemory(): SqliteDriver {
  if (!migratedImage) {
    const template = openBetterSqliteMemory();
    try {
      migrate(template);
      migratedImage = template.serialize();
    } finally {
      template.close();
    }
  }
  return openBetterSqliteImage(migratedImage);
}

/**
 * Opens (creating when missing) and migrates the database. The audit chain's anchor key lives in
 * `<path>.audit-key` (0600, created here on first use) and its head copy in `<path>.audit-head`;
 * opening recreates dropped audit triggers and records that it had to (see `auditAnchor.ts`).
 */
export function openStore(opts: { path?: string; driver?: SqliteDriver | SqliteDriver['kind']; clock?: Clock } = {}): Store {
  const path = opts.path ?? defaultDbPath();
  // makeDirs, not a recursive mkdirSync: that spins forever under procfs (core/makeDirs.ts).
  if (path !== ':memory:' && typeof opts.driver !== 'object') makeDirs(dirname(path));
  let driver: SqliteDriver;
  try {
    driver =
      typeof opts.driver === 'object'
        ? opts.driver
        : opts.driver === 'node:sqlite'
          ? openNodeSqlite(path)
          : opts.driver === 'better-sqlite3'
            ? openBetterSqlite(path)
            : path === ':memory:' && !process.versions.electron
              ? openMigratedMemory()
              : openDefaultDriver(path);
  } catch (cause) {
    if (cause instanceof HarnessError) throw cause;
    throw new HarnessError('STORE_FAILED', `cannot open database ${path}`, { cause });
  }
  try {
    driver.pragma('busy_timeout = 5000');
    if (path !== ':memory:') refuseForeignDatabase(driver, { path, kind: 'passkey-harness database', code: 'STORE_FAILED' });
    if (path !== ':memory:') driver.pragma('journal_mode = WAL');
    driver.pragma('synchronous = NORMAL');
    driver.pragma('foreign_keys = ON');
    migrate(driver);
    const anchor = openAuditAnchor(path);
    const wal = path !== ':memory:' && driver.kind === 'better-sqlite3' && String(driver.pragma('journal_mode')).toLowerCase() === 'wal';
    const store = buildStore(driver, path, anchor, wal ? walCheckpointer(driver, path) : undefined);
    store.audit.anchorOnOpen({ at: (opts.clock ?? systemClock).now(), keyCreated: anchor.keyCreated });
    return store;
  } catch (cause) {
    driver.close();
    if (cause instanceof HarnessError) throw cause;
    throw new HarnessError('STORE_FAILED', `cannot prepare database ${path}`, { cause });
  }
}
