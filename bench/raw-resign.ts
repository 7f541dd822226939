import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { ImmediateSqliteDialect } from '../src/store/database.js';
import type { Database } from '../src/store/schema.js';
import type { Scope } from '../src/services/context.js';
import { resignUser } from '../src/services/lifecycle.js';
import { newId } from '../src/lib/ids.js';
import type { Figures } from './measure.js';

interface Recorded {
  sql: string;
  params: unknown[];
  reader: boolean;
}

/**
 * The raw baseline for resign-user on SQLite: the exact statements the service runs for one user
 * (recorded from better-sqlite3 underneath Kysely, BEGIN and COMMIT included), prepared once and
 * run by hand with better-sqlite3 for each further user, as a hand-written transaction would:
 * the user id put in, fresh ids for the rows it inserts. It reads every RETURNING row as the
 * service does. What it leaves out is exactly the service's own cost: building and compiling the
 * queries, the async driver, and the JavaScript around them.
 */
export async function rawResignBaseline(file: string, scope: Scope, first: string, rest: string[]): Promise<Figures> {
  const sqlite = new SQLite(file);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const recorded: Recorded[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    const record = (params: unknown[]) => recorded.push({ sql: source, params, reader: statement.reader });
    return new Proxy(statement, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key === 'run' || key === 'all' || key === 'get' || key === 'iterate') {
          return (...params: unknown[]) => {
            record(params.length === 1 && Array.isArray(params[0]) ? params[0] : params);
            return (value as (...a: unknown[]) => unknown).apply(target, params);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }) as typeof sqlite.prepare;
  // The service's own SQLite dialect, so the recorded BEGIN is the service's (IMMEDIATE).
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  await resignUser({ ...scope, db }, first);
  sqlite.prepare = prepare as typeof sqlite.prepare;

  const statements = recorded.map((r) => ({ ...r, statement: prepare(r.sql) }));
  // Ids first seen in an INSERT were made for this resignation (audit entry, outbox event): each
  // further user gets fresh ones, the same fresh id wherever the original appeared.
  const generated = new Set<string>();
  const seen = new Set<string>();
  for (const r of recorded) {
    for (const p of r.params) {
      if (typeof p !== 'string' || seen.has(p)) continue;
      seen.add(p);
      if (/^\s*insert/i.test(r.sql) && (/^[0-9a-f]{24}$/.test(p) || /^[0-9a-f-]{36}$/.test(p))) generated.add(p);
    }
  }
  const durations: number[] = [];
  const started = performance.now();
  for (const userId of rest) {
    const t0 = performance.now();
    const fresh = new Map([...generated].map((id) => [id, id.length === 24 ? newId() : randomUUID()]));
    const bind = (value: unknown) => {
      if (value === first) return userId;
      if (typeof value !== 'string') return value;
      const made = fresh.get(value);
      if (made) return made;
      return value.includes(first) ? value.replaceAll(first, userId) : value;
    };
    for (const { statement, params, reader } of statements) {
      const bound = params.map(bind);
      if (reader) statement.all(bound);
      else statement.run(bound);
    }
    durations.push(performance.now() - t0);
  }
  const elapsed = (performance.now() - started) / 1000;
  sqlite.close();
  durations.sort((a, b) => a - b);
  const at = (p: number) => durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))] ?? 0;
  return { rps: rest.length / elapsed, p50: at(50), p99: at(99), count: rest.length, errors: 0 };
}
