import type { Kysely } from 'kysely';

const PAGE = 2000;

/**
 * One namespace per pool for usernames, emails and phones (lower-cased), so that a value can be
 * one user's identifier only, whatever its kind. Existing users are registered in creation order:
 * where data is already ambiguous the earliest user keeps the value, and `account` sign-in
 * refuses to choose between them (it reads the users table, not this one).
 */
export function userIdentifiers() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('user_identifiers')
        .addColumn('pool_id', 'varchar(24)', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('user_id', 'varchar(24)', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('user_identifiers_pkey', ['pool_id', 'key'])
        .execute();
      await db.schema.createIndex('user_identifiers_user_idx').on('user_identifiers').column('user_id').execute();

      let after: { created_at: string; id: string } | undefined;
      for (;;) {
        let query = db.selectFrom('users').select(['id', 'pool_id', 'username', 'email_key', 'phone', 'created_at']);
        if (after) {
          const last = after;
          query = query.where((eb) => eb.or([eb('created_at', '>', last.created_at), eb.and([eb('created_at', '=', last.created_at), eb('id', '>', last.id)])]));
        }
        const users: Array<{ id: string; pool_id: string; username: string | null; email_key: string | null; phone: string | null; created_at: string }> =
          await query.orderBy('created_at').orderBy('id').limit(PAGE).execute();
        if (users.length === 0) return;
        const rows = users.flatMap((u) =>
          [...new Set([u.username, u.email_key, u.phone].filter((v): v is string => Boolean(v)).map((v) => v.toLowerCase()))].map((key) => ({ pool_id: u.pool_id, key, user_id: u.id })),
        );
        // In one statement the earlier row wins a clash, so the earliest user keeps the value.
        if (rows.length) await db.insertInto('user_identifiers').values(rows).onConflict((oc) => oc.columns(['pool_id', 'key']).doNothing()).execute();
        const last = users[users.length - 1];
        after = { created_at: String(last.created_at), id: last.id };
        if (users.length < PAGE) return;
      }
    },
  };
}
