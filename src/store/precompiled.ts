import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import { prepareOnPostgres } from './database.js';

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
