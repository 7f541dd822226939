import type { Kysely } from 'kysely';

/**
 * The end user's own endpoints: whether a pool lets people register themselves (off until its
 * operator turns it on) and the strength of each password, judged when it is set, because the
 * hash cannot tell it later (get-security-info).
 */
export function selfService() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('user_pools').addColumn('self_registration', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('users').addColumn('password_strength', 'integer').execute();
    },
  };
}
