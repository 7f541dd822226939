import type { Kysely } from 'kysely';

/**
 * An attempt always sends its delivery's body (ids and bodies are kept when a delivery is sent
 * again), so the attempt log reads the body from the delivery instead of keeping a copy per
 * attempt: the copy doubled what the worker writes per send. Attempts go with their delivery
 * (cascade and pruning), so the body is there as long as the attempt is.
 */
export function attemptBodies() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('delivery_attempts').dropColumn('request_body').execute();
    },
  };
}
