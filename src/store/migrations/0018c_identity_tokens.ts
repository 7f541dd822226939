import type { Kysely } from 'kysely';
import { encryptSecret } from '../../lib/secrets.js';

const PAGE = 500;

/**
 * Identity-provider access and refresh tokens are kept encrypted under the master key, like every
 * other secret (AES-256-GCM, `v1:<iv>:<tag>:<ciphertext>`); this encrypts the ones already stored
 * in clear. A database that holds some needs the master key to migrate.
 */
export function identityTokens(masterKey: Buffer | undefined) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      let after = '';
      for (;;) {
        const rows: Array<{ id: string; access_token: string | null; refresh_token: string | null }> = await db
          .selectFrom('user_identities')
          .select(['id', 'access_token', 'refresh_token'])
          .where('id', '>', after)
          .where((eb) => eb.or([eb('access_token', 'is not', null), eb('refresh_token', 'is not', null)]))
          .orderBy('id')
          .limit(PAGE)
          .execute();
        if (rows.length === 0) return;
        if (!masterKey) throw new Error('identity tokens stored in clear need the master key to be encrypted; run the migration from the server or the CLI');
        for (const row of rows) {
          await db
            .updateTable('user_identities')
            .set({
              access_token: row.access_token === null ? null : encryptSecret(masterKey, row.access_token),
              refresh_token: row.refresh_token === null ? null : encryptSecret(masterKey, row.refresh_token),
            })
            .where('id', '=', row.id)
            .execute();
        }
        after = rows[rows.length - 1].id;
        if (rows.length < PAGE) return;
      }
    },
  };
}
