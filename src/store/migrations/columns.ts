import type { ColumnDataType } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The one place where column types differ between the databases. Booleans are integers 0/1 on
 * both so that queries and inserts are identical; times are timestamptz on PostgreSQL and
 * ISO-8601 text on SQLite (both parse to ISO strings, see database.ts); JSON is jsonb or text.
 */
export function columnTypes(dialect: Dialect) {
  return {
    time: (dialect === 'postgres' ? 'timestamptz' : 'text') as ColumnDataType,
    json: (dialect === 'postgres' ? 'jsonb' : 'text') as ColumnDataType,
  };
}
