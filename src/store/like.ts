import { sql, type RawBuilder } from 'kysely';

/**
 * `%` and `_` typed by a caller are text to look for, not wildcards: without this a keyword of
 * `%` matches every row. Backslash is the escape character, named in an explicit ESCAPE clause:
 * SQLite has no default escape character, PostgreSQL's default is backslash, and the clause
 * makes both read the pattern alike. (`'\'` is one backslash in both with PostgreSQL's
 * standard_conforming_strings, on by default since 9.1.)
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The right-hand side of `LIKE` matching values that contain (or start or end with) `text`
 * literally, with its ESCAPE clause. Lower-case both sides for a case-insensitive match:
 * `eb(sql\`lower(name)\`, 'like', likePattern(keywords.toLowerCase()))`.
 */
export function likePattern(text: string, match: 'contains' | 'prefix' | 'suffix' = 'contains'): RawBuilder<string> {
  const escaped = escapeLike(text);
  const pattern = match === 'prefix' ? `${escaped}%` : match === 'suffix' ? `%${escaped}` : `%${escaped}%`;
  return sql<string>`${pattern} escape '\\'`;
}
