import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type SqliteDialectConfig, type Transaction } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { checkpointInBackground, SAFETY_NET_PAGES } from './sqlite-checkpoints.js';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Database } from './schema.js';
import { isConnectionError, type ConnectionWatch } from '../lib/connection-watch.js';
import { watchCommits, type AfterCommit } from './commit-watch.js';
import { isMemoryDatabase, sqliteFile } from './database-url.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  /** Connections of the PostgreSQL pool (SQLite has one connection and no pool). */
  poolStats?(): { max: number; total: number; idle: number; waiting: number };
  /**
   * Runs `listener` after every committed write that may change a token check (commit-watch.ts);
   * the write's caller waits for it. Listeners run in the order they were added.
   */
  afterCommit(listener: AfterCommit): void;
  /**
   * SQLite: a number that changes when another connection (another process, or this process's
   * delivery thread) commits a write that may change a token check: the count of such commits
   * (migration 0027), read again only when the file's `data_version` says another connection
   * committed at all. Undefined while this connection is inside a transaction, whose snapshot
   * would hide such a commit. Absent on PostgreSQL.
   */
  dataVersion?(): number | undefined;
  /**
   * SQLite: the file's `data_version`, which changes whenever another connection commits anything
   * (another process, or a thread of this one). Absent on PostgreSQL.
   */
  fileVersion?(): number;
  close(): Promise<void>;
}

// PostgreSQL answers timestamptz as Date, bigint counts as strings and jsonb as objects; SQLite
// answers text and numbers. Parsing all of them to the same plain forms here means row mappers
// and services never ask which database they run on.
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString()); // timestamptz
pg.types.setTypeParser(20, (v) => Number(v)); // int8 (count(*))
pg.types.setTypeParser(3802, (v) => v); // jsonb stays text, as in SQLite

export interface OpenOptions {
  poolSize?: number;
  watch?: ConnectionWatch;
  /**
   * SQLite: checkpoint the write-ahead log from a thread with its own connection (on unless turned
   * off; see sqlite-checkpoints.ts). It is for a process that writes for long (the server, a bulk
   * import): starting the thread costs about a tenth of a second of work (Node's and better-sqlite3's
   * start-up, mostly on the thread), more than a process that makes a handful of commits can gain,
   * so one-shot commands turn it off. Closing before the thread has opened its connection ends it
   * without waiting for it. A database in memory never has it (there is no file for another
   * connection to open).
   */
  checkpointThread?: boolean;
  /**
   * SQLite: another connection of this process checkpoints from its thread (the server's, for a
   * connection its delivery thread opens), so this one keeps SQLite's own checkpoint only as the
   * same safety net, instead of copying the log into the file inside its commits every 1000 pages.
   */
  checkpointedElsewhere?: boolean;
}

export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  const file = sqliteFile(url);
  if (file !== undefined) {
    if (!isMemoryDatabase(url)) createOwnerOnly(resolve(file));
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    cachePreparedStatements(sqlite);
    const listeners: AfterCommit[] = [];
    const db = new Kysely<Database>({ dialect: watchCommits(new ImmediateSqliteDialect({ database: sqlite }), listeners, { countCommits: true }) });
    const version = sqlite.prepare('pragma data_version').pluck();
    let counted: SQLite.Statement<[], number> | undefined;
    let seen: { version: number; count: number } | undefined;
    const dataVersion = () => {
      if (sqlite.inTransaction) return undefined;
      const now = version.get() as number;
      if (seen?.version === now) return seen.count;
      try {
        counted ??= sqlite.prepare<[], number>('select n from token_check_epoch where id = 1').pluck();
      } catch {
        // Not migrated yet: every commit of another connection counts.
        return -1 - now;
      }
      seen = { version: now, count: counted.get() as number };
      return seen.count;
    };
    // This connection's own counted commits do not move data_version here: their count is taken in
    // right after them, or a later bookkeeping commit of another connection (the delivery thread's)
    // would show the count moved and empty the cache for nothing. A relevant commit of another
    // connection taken in with it is still seen: the cache compares with the count it last saw.
    listeners.push(() => {
      if (counted && !sqlite.inTransaction) seen = { version: version.get() as number, count: counted.get() as number };
    });
    const checkpoints = options.checkpointThread !== false && !options.checkpointedElsewhere && !sqlite.memory ? checkpointInBackground(sqlite, file) : undefined;
    if (options.checkpointedElsewhere) sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    // Every way a process closes its database stops the thread first (and waits for it). A process
    // that exits without closing (process.exit, a second Ctrl-C) ends the thread with it: Node
    // stops its threads at exit, and better-sqlite3 closes a thread's connections as it goes.
    const close = async () => {
      await checkpoints?.stop();
      await db.destroy();
    };
    return { db, dialect: 'sqlite', afterCommit: (listener) => listeners.push(listener), dataVersion, fileVersion: () => version.get() as number, close };
  }
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  const watch = options.watch;
  // An idle connection the server ends (restart, failover, a dropped database) must not crash the
  // process: the pool discards it and the next query opens a new one. The watch says so once.
  pool.on('error', (error) => watch?.lost(error));
  // A connection ended while checked out (between acquiring it and its query) emits on the client
  // itself, where the pool's listener is not: without one the process would die of it.
  pool.on('connect', (client) => {
    client.on('error', (error) => watch?.lost(error));
    runPreparedByName(client);
  });
  if (watch) {
    // A refused connection never reaches a query, so the query log below would not see it.
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    (pool as { connect: () => Promise<pg.PoolClient> }).connect = () =>
      connect().catch((error: unknown) => {
        watch.lost(error);
        throw error;
      });
  }
  const listeners: AfterCommit[] = [];
  const db = new Kysely<Database>({
    dialect: watchCommits(new PostgresDialect({ pool }), listeners),
    log: watch
      ? (event) => {
          if (event.level === 'query') watch.back();
          else if (isConnectionError(event.error)) watch.lost(event.error);
        }
      : undefined,
  });
  const max = options.poolSize ?? 10;
  const poolStats = () => ({ max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  return { db, dialect: 'postgres', poolStats, afterCommit: (listener) => listeners.push(listener), close: () => db.destroy() };
}

/**
 * SQLite transactions begin IMMEDIATE: they take the write lock at BEGIN, waiting for it up to
 * busy_timeout. A plain (deferred) BEGIN reads first and asks for the lock at its first write;
 * if another process committed in between, SQLite refuses at once with "database is locked"
 * (its snapshot is stale, so waiting cannot help) — a CLI import or resignation beside a running
 * server whose delivery worker commits would fail that way. Within one process nothing changes:
 * its single connection runs one transaction at a time anyway.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver() {
    return new ImmediateSqliteDriver(this.settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQL text → statement name, for the statements `prepareOnPostgres` named (a fixed set). */
const preparedNames = new Map<string, string>();

/**
 * Runs `text` as a named prepared statement on every PostgreSQL connection from now on. node-postgres
 * otherwise sends each query unnamed, so PostgreSQL parses and plans it at every call: for the
 * token check's join that planning costs several times what running it does. Only for the hot
 * lookups compiled once (`precompiled`): a connection keeps each named statement until it closes,
 * so the set must stay small and fixed (never texts that vary, such as IN lists).
 */
export function prepareOnPostgres(text: string): void {
  if (!preparedNames.has(text)) preparedNames.set(text, `userpool_${preparedNames.size + 1}`);
}

/**
 * Kysely calls `client.query(text, values)`; a text named by prepareOnPostgres goes out with its
 * name. A statement prepared before another node changed the schema (a rolling upgrade adding a
 * column) fails with "cached plan must not change result type": that connection then runs the
 * text unnamed, as before, rather than failing every call until it closes.
 */
function runPreparedByName(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const stale = new Set<string>();
  (client as { query: (...args: unknown[]) => unknown }).query = (config: unknown, values?: unknown, ...rest: unknown[]) => {
    const name = typeof config === 'string' && Array.isArray(values) && rest.length === 0 ? preparedNames.get(config) : undefined;
    if (!name || stale.has(name)) return query(config, values, ...rest);
    return query({ name, text: config, values }).catch((error: { code?: string }) => {
      if (error?.code !== '0A000') throw error;
      stale.add(name);
      return query(config, values);
    });
  };
}

/**
 * The database holds password hashes: it is made owner-only (0600), in a directory made 0700 when
 * it is new, before SQLite opens it. SQLite gives its `-wal` and `-shm` files the database file's
 * permissions. An existing file keeps the permissions it has.
 */
function createOwnerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Most statements the application runs have a handful of shapes; IN lists of every length add more. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely prepares every query afresh, and on SQLite preparing (parsing and planning the SQL)
 * costs many times what running a lookup does. The same SQL text gets the same prepared statement
 * back, the least recently used dropped past STATEMENT_CACHE_SIZE. Safe because Kysely runs one
 * query at a time on its single SQLite connection, and SQLite re-prepares a statement by itself
 * when the schema changed under it.
 */
function cachePreparedStatements(sqlite: SQLite.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

/** A unique index refused the write (another row holds the value). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Locks the given rows until the transaction ends. PostgreSQL needs the row lock so that a
 * resignation and a concurrent add-member serialise; SQLite has one writer at a time already.
 */
export async function lockRows(trx: Tx, dialect: Dialect, table: 'users' | 'departments', ids: string[]): Promise<void> {
  if (dialect !== 'postgres' || ids.length === 0) return;
  await sql`select id from ${sql.table(table)} where id in (${sql.join(ids)}) for update`.execute(trx);
}

/**
 * SQLite refused a write because another process holds or just committed one (SQLITE_BUSY, or
 * SQLITE_BUSY_SNAPSHOT when a transaction that read first tries to write): the transaction was
 * rolled back whole and may simply be run again. Only tools that share a SQLite file with a
 * running server meet it; a server has one connection.
 */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * What tells this database from any other that may share a Redis (a staging and a production
 * deployment, or test databases): its name and when its first migration ran, the same on every
 * process whatever address it reaches the server by. Read after migrating.
 */
export async function databaseIdentity(db: Db): Promise<string> {
  const { rows } = await sql<{ name: string; first: string | null }>`
    select current_database() as name, (select min(timestamp) from userpool_migrations) as first`.execute(db);
  return `${rows[0]?.name}/${rows[0]?.first}`;
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
