import type { Kysely } from 'kysely';

/**
 * The admin audit log names who acted, not only with what: an administrator signed in to the
 * console acts as themselves (type `admin`, their user id and name), an access key as itself.
 * Older rows keep NULL here and read as access keys (or SCIM tokens by their `scim-token:` actor).
 */
export function auditActors() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('admin_audit_logs').addColumn('actor_type', 'text').execute();
      await db.schema.alterTable('admin_audit_logs').addColumn('actor_name', 'text').execute();
    },
  };
}
