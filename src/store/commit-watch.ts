import { CompiledQuery } from 'kysely';
import type { DatabaseConnection, Dialect, Driver, Kysely, QueryCompiler, TransactionSettings } from 'kysely';

/**
 * Tables whose writes cannot change the answer of a token check: the check reads a session with
 * its user and application (store/tokens.ts, findSessionState) and, for applications with access
 * rules, the rules and the user's departments, groups and roles (application-access.ts). Every
 * other table is assumed to matter, so a table added later invalidates until someone lists it here.
 */
const HARMLESS = new Set([
  'signature_nonces', 'admin_audit_logs', 'admin_audit_log_targets', 'event_outbox', 'deliveries', 'delivery_attempts', 'login_history',
  'authorization_codes', 'refresh_tokens', 'signing_keys', 'signin_failures', 'signin_address_failures', 'provider_sessions', 'consents',
  'webhooks', 'scheduled_resignations', 'token_check_epoch',
]);

/**
 * Tables where a new row cannot change an answer already given: a check names an existing
 * session, which an insert elsewhere does not alter. An upsert (`on conflict … do update`,
 * `insert or replace`) changes an existing row, so it is not a plain insert.
 */
const INSERT_ONLY_HARMLESS = new Set(['oidc_sessions', 'users']);

/**
 * Columns of a table the check reads that it does not read: an update that sets only these (each
 * to a bound value) changes no answer. Every sign-in counts itself on the user's row.
 */
const HARMLESS_COLUMNS: Record<string, Set<string>> = {
  users: new Set(['logins_count', 'last_login', 'last_ip']),
};
const SET_CLAUSE = /^\s+set\s+((?:"\w+"|\w+)\s*=\s*(?:\?|\$\d+)(?:\s*,\s*(?:"\w+"|\w+)\s*=\s*(?:\?|\$\d+))*)\s*(?:\bwhere\b|\breturning\b|$)/i;

/** Whether an `update <table>` whose text goes on with `rest` sets only columns the check never reads. */
function setsOnlyHarmlessColumns(table: string, rest: string): boolean {
  const harmless = HARMLESS_COLUMNS[table];
  const clause = harmless && SET_CLAUSE.exec(rest)?.[1];
  if (!clause) return false;
  return clause.split(',').every((assignment) => harmless.has(assignment.split('=')[0].trim().replace(/"/g, '')));
}

/** Statements that never write rows; anything else that names no table it writes (DDL, pragmas) counts as a write. */
const READ_VERBS = new Set(['select', 'with', 'values', 'explain', 'show', 'set', 'begin', 'start', 'commit', 'end', 'rollback', 'savepoint', 'release']);

const WRITE_TARGET = /\b(insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update|delete\s+from)\s+((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][\w$]*))?)?/gi;
const UPSERT = /\bdo\s+update\b|\binsert\s+or\s+replace\b|\breplace\s+into\b/i;
/** `for update`, `for no key update`, `do update`: a lock or the update half of an upsert, not a table of its own. */
const NOT_A_TARGET = /(?:\bfor|\bkey|\bdo)\s*$/i;

const unquote = (name: string) => {
  const last = name.split('.').pop()!.trim();
  return last.startsWith('"') ? last.slice(1, -1) : last.toLowerCase();
};

/**
 * Whether a statement may change what a token check answers, judged from its SQL text (so raw
 * SQL is judged the same way as built queries): a write to a table not known to be harmless, a
 * write whose table cannot be told, or a statement that is neither a read nor a plain write.
 */
export function changesTokenChecks(text: string): boolean {
  const verb = /^[\s(]*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)[\s(]*)*([A-Za-z]+)/.exec(text)?.[1]?.toLowerCase();
  if (!verb) return true;
  if (!READ_VERBS.has(verb) && verb !== 'insert' && verb !== 'update' && verb !== 'delete' && verb !== 'replace') return true;
  const upsert = UPSERT.test(text);
  for (const match of text.matchAll(WRITE_TARGET)) {
    const kind = match[1].toLowerCase();
    if (kind === 'update' && NOT_A_TARGET.test(text.slice(0, match.index))) continue;
    if (!match[2]) return true;
    const table = unquote(match[2]);
    if (HARMLESS.has(table)) continue;
    if (kind.startsWith('insert') && !upsert && INSERT_ONLY_HARMLESS.has(table)) continue;
    if (kind === 'update' && setsOnlyHarmlessColumns(table, text.slice(match.index + match[0].length))) continue;
    return true;
  }
  return false;
}

/** Statement texts recur (built queries compile to a handful of shapes): judged once each. */
const MEMO_SIZE = 2000;
const memo = new Map<string, boolean>();
function judged(text: string): boolean {
  let answer = memo.get(text);
  if (answer === undefined) {
    answer = changesTokenChecks(text);
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(text, answer);
  }
  return answer;
}

/** Called once a write that may change a token check is committed; awaited before the write's caller goes on. */
export type AfterCommit = () => void | Promise<void>;

interface ConnectionState {
  inTransaction: boolean;
  dirty: boolean;
  /** A write committed: the listeners run once the connection is back in the pool. */
  committed: boolean;
}

/**
 * A dialect whose writes are watched: after a statement that `changesTokenChecks` is committed
 * (at COMMIT of the transaction that ran it, or at once when it ran on its own) the listeners
 * run, and the statement's or the transaction's promise resolves only after they did. So every write
 * that goes through the database handle, whichever service or tool made it, is followed by the
 * invalidation of cached token checks before its caller can answer anyone; no call site has to
 * remember it. A COMMIT that fails is treated as committed (the server may have applied it).
 */
export function watchCommits(inner: Dialect, listeners: AfterCommit[], options: { countCommits?: boolean } = {}): Dialect {
  const notify = async () => {
    for (const listener of listeners) await listener();
  };
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => inner.createIntrospector(db),
    createDriver: () => new WatchedDriver(inner.createDriver(), notify, options.countCommits ?? false),
  };
}

/** Counts a commit that may change a token check, for other SQLite connections (migration 0027). */
const COUNT_COMMIT = CompiledQuery.raw('update token_check_epoch set n = n + 1 where id = 1');

/**
 * Counts in the write's own transaction (or right after a write made on its own), so the count
 * has moved by the time the caller goes on. A database not yet migrated has no row to count in.
 */
async function countCommit(connection: DatabaseConnection): Promise<void> {
  try {
    await connection.executeQuery(COUNT_COMMIT);
  } catch (error) {
    if (!/no such table: token_check_epoch/.test((error as Error).message)) throw error;
  }
}

class WatchedDriver implements Driver {
  // One watched connection per connection of the inner driver (which keeps one per client), made
  // once: Kysely decorates each connection object it has not seen before.
  private readonly watched = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly inners = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly states = new WeakMap<DatabaseConnection, ConnectionState>();

  constructor(private readonly driver: Driver, private readonly notify: () => Promise<void>, private readonly counting: boolean) {}

  init() {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.driver.acquireConnection();
    let watched = this.watched.get(inner);
    if (!watched) {
      const counting = this.counting;
      const state: ConnectionState = { inTransaction: false, dirty: false, committed: false };
      watched = {
        async executeQuery<R>(compiled: CompiledQuery) {
          const writes = judged(compiled.sql);
          if (writes && state.inTransaction) state.dirty = true;
          const result = await inner.executeQuery<R>(compiled);
          if (writes && !state.inTransaction) {
            state.committed = true;
            if (counting) await countCommit(inner);
          }
          return result;
        },
        streamQuery: (compiled, chunkSize) => inner.streamQuery(compiled, chunkSize),
      };
      this.watched.set(inner, watched);
      this.inners.set(watched, inner);
      this.states.set(watched, state);
    }
    Object.assign(this.states.get(watched)!, { inTransaction: false, dirty: false, committed: false });
    return watched;
  }

  private inner(connection: DatabaseConnection): DatabaseConnection {
    return this.inners.get(connection) ?? connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    await this.driver.beginTransaction(this.inner(connection), settings);
    const state = this.states.get(connection);
    if (state) Object.assign(state, { inTransaction: true, dirty: false });
  }

  async commitTransaction(connection: DatabaseConnection) {
    const state = this.states.get(connection);
    if (this.counting && state?.dirty) await countCommit(this.inner(connection));
    try {
      await this.driver.commitTransaction(this.inner(connection));
    } finally {
      if (state) Object.assign(state, { inTransaction: false, dirty: false, committed: state.committed || state.dirty });
    }
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    const state = this.states.get(connection);
    if (state) Object.assign(state, { inTransaction: false, dirty: false });
    await this.driver.rollbackTransaction(this.inner(connection));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.driver.savepoint?.(this.inner(connection), name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.driver.rollbackToSavepoint?.(this.inner(connection), name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.driver.releaseSavepoint?.(this.inner(connection), name, compile);
  }

  // Kysely releases the connection before the query's or the transaction's promise resolves, so
  // listeners that run here still run before the caller goes on, without holding a pooled
  // connection while they wait (for Redis acknowledgements, say).
  async releaseConnection(connection: DatabaseConnection) {
    const state = this.states.get(connection);
    const committed = state?.committed ?? false;
    if (state) state.committed = false;
    try {
      await this.driver.releaseConnection(this.inner(connection));
    } finally {
      if (committed) await this.notify();
    }
  }

  destroy() {
    return this.driver.destroy();
  }
}
