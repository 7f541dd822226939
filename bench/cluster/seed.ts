import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/store/database.js';
import { userRow } from '../seed.js';

/** The id the bulk seed gives user number `n` (24 hex characters, as every id). */
export const seededId = (tag: string, n: number) => createHash('md5').update(`${tag}-${n}`).digest('hex').slice(0, 24);
export const seededUsername = (tag: string, n: number) => `c${n}_${tag}`;
export const seededEmail = (tag: string, n: number) => `c${n}.${tag}@cluster.example`;

/**
 * Writes `count` users straight into PostgreSQL with `INSERT … SELECT generate_series`, in chunks:
 * the rows are the shape create-user writes (the columns and constant values come from the same
 * row builder as the other benchmarks), with per-user id, username, email and external id, and
 * one shared argon2id hash of the sign-in password (hashing a million passwords would take hours;
 * each sign-in still verifies it at full cost).
 */
export async function bulkSeedUsers(db: Db, poolId: string, tag: string, count: number, passwordHash: string, onProgress: (done: number) => void): Promise<void> {
  const template = userRow(poolId, 0, tag) as unknown as Record<string, unknown>;
  const perUser: Record<string, ReturnType<typeof sql>> = {
    id: sql`substr(md5(${sql.lit(tag + '-')} || g), 1, 24)`,
    username: sql`'c' || g || ${sql.lit('_' + tag)}`,
    email: sql`'c' || g || ${sql.lit('.' + tag + '@cluster.example')}`,
    email_key: sql`'c' || g || ${sql.lit('.' + tag + '@cluster.example')}`,
    external_id: sql`${sql.lit('cx-' + tag + '-')} || g`,
    name: sql`'Cluster User ' || g`,
    password_hash: sql.lit(passwordHash),
  };
  const columns = Object.keys(template);
  // Literals, not parameters: in INSERT … SELECT PostgreSQL gives a literal the column's type.
  const values = columns.map((column) => perUser[column] ?? sql.lit(template[column] as string | number | null));
  const chunk = 50_000;
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk) - 1;
    await sql`insert into users (${sql.join(columns.map((c) => sql.ref(c)))})
      select ${sql.join(values)} from generate_series(${start}::int, ${end}::int) as g`.execute(db);
    onProgress(end + 1);
  }
  await sql`analyze users`.execute(db);
}
