import { CompiledQuery, type Compilable, type Insertable, type Kysely } from 'kysely';
import { prepareOnPostgres } from './database.js';
import type { Database } from './schema.js';

const marker = (i: number) => `\u0000precompiled-argument-${i}\u0000`;

/**
 * A query built and compiled once per database handle, then run with new arguments. Kysely
 * otherwise builds and compiles the query on every call, which for the hottest lookups (token
 * checks) costs about as much as running them; on PostgreSQL the statement is also prepared by
 * name, so the server parses and plans it once per connection. `build` must use each argument only as a bound
 * value, never to choose the query's shape; the compiled parameters are matched back by identity.
 */
export function precompiled<D extends Kysely<any>, A extends string[], R>(build: (db: D, ...args: A) => Compilable<R>) {
  const cache = new WeakMap<D, { compiled: CompiledQuery<R>; slots: Array<number | undefined> }>();
  return async (db: D, ...args: A): Promise<R[]> => {
    let entry = cache.get(db);
    if (!entry) {
      const markers = args.map((_, i) => marker(i)) as A;
      const compiled = build(db, ...markers).compile();
      const slots = compiled.parameters.map((p) => (typeof p === 'string' && markers.includes(p) ? markers.indexOf(p) : undefined));
      if (markers.some((_, i) => !slots.includes(i))) throw new Error('precompiled: every argument must be a bound value of the query');
      // On PostgreSQL the statement is also parsed and planned once per connection, not at each call.
      prepareOnPostgres(compiled.sql);
      entry = { compiled, slots };
      cache.set(db, entry);
    }
    const { compiled, slots } = entry;
    const parameters = compiled.parameters.map((p, i) => (slots[i] === undefined ? p : args[slots[i]!]));
    return (await db.executeQuery<R>({ ...compiled, parameters })).rows;
  };
}

const insertMarker = (row: number, column: string) => `\u0000precompiled-row-${row}-${column}\u0000`;
const INSERT_MARKER = /^\u0000precompiled-row-(\d+)-(.+)\u0000$/;
/** Statement texts kept for multi-row inserts per database kind: one per table, row count and column list. */
const MAX_INSERT_SHAPES = 500;
type InsertShape = { sql: string; slots: Array<[row: number, column: string]> };
/**
 * Keyed by the connection's dialect adapter (one per database handle, shared by its
 * transactions), since the text differs between SQLite and PostgreSQL.
 */
const insertShapes = new WeakMap<object, Map<string, InsertShape>>();

/**
 * Inserts `rows` (all with the same columns, in the same order) with one statement whose text is
 * built and compiled once per database, table, row count and column list, then reused with new
 * values. Kysely builds a node per value and compiles the tree on every call, which for the
 * delivery worker's batches of dozens of rows cost about as much as SQLite's inserting them.
 */
export async function insertRows<T extends keyof Database & string>(db: Kysely<Database>, table: T, rows: Array<Insertable<Database[T]>>): Promise<void> {
  if (rows.length === 0) return;
  const adapter = db.getExecutor().adapter;
  let shapes = insertShapes.get(adapter);
  if (!shapes) insertShapes.set(adapter, (shapes = new Map()));
  const columns = Object.keys(rows[0]);
  const key = `${table}\u0000${rows.length}\u0000${columns.join(',')}`;
  let shape = shapes.get(key);
  if (!shape) {
    const markers = rows.map((_, r) => Object.fromEntries(columns.map((c) => [c, insertMarker(r, c)])));
    const compiled = db.insertInto(table).values(markers as never).compile();
    const slots = compiled.parameters.map((p): [number, string] => {
      const match = INSERT_MARKER.exec(String(p));
      if (!match) throw new Error(`insertRows: ${table} has a value that is not a row's column`);
      return [Number(match[1]), match[2]];
    });
    shape = { sql: compiled.sql, slots };
    if (shapes.size >= MAX_INSERT_SHAPES) shapes.delete(shapes.keys().next().value!);
    shapes.set(key, shape);
  }
  await db.executeQuery(CompiledQuery.raw(shape.sql, shape.slots.map(([r, c]) => (rows[r] as Record<string, unknown>)[c])));
}
