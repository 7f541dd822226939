import type { Db } from './database.js';

/** Rows removed per statement, so that pruning a large backlog never holds the writer for long. */
const BATCH = 5000;

type Table = 'refresh_tokens' | 'oidc_sessions' | 'login_history';

/** Deletes the rows whose ids the query finds, a batch at a time; answers how many went. */
async function deleteInBatches(db: Db, table: Table, ids: (limit: number) => Promise<string[]>): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = await ids(BATCH);
    if (batch.length === 0) return total;
    const result = await db.deleteFrom(table).where('id', 'in', batch).executeTakeFirst();
    total += Number(result.numDeletedRows);
    if (batch.length < BATCH) return total;
  }
}

/** Refresh tokens that expired before `before`, used or not. */
export function pruneRefreshTokens(db: Db, before: string): Promise<number> {
  return deleteInBatches(db, 'refresh_tokens', async (limit) =>
    (await db.selectFrom('refresh_tokens').select('id').where('expires_at', '<', before).limit(limit).execute()).map((r) => r.id));
}

/**
 * Sessions no token can be alive for: revoked before `revokedBefore`, or begun before
 * `quietSince` with no refresh token that is unexpired or was issued since then (each refresh
 * issues access tokens, so a recent one means access tokens may still live). Their remaining
 * refresh tokens cascade.
 */
export function pruneSessions(db: Db, now: string, revokedBefore: string, quietSince: string): Promise<number> {
  return deleteInBatches(db, 'oidc_sessions', async (limit) =>
    (
      await db
        .selectFrom('oidc_sessions as s')
        .select('s.id')
        .where((eb) =>
          eb.or([
            eb('s.revoked_at', '<', revokedBefore),
            eb.and([
              eb('s.created_at', '<', quietSince),
              eb.not(
                eb.exists(
                  eb.selectFrom('refresh_tokens as rt').select('rt.id').whereRef('rt.session_id', '=', 's.id')
                    .where((e) => e.or([e('rt.expires_at', '>', now), e('rt.created_at', '>=', quietSince)])),
                ),
              ),
            ]),
          ]),
        )
        .limit(limit)
        .execute()
    ).map((r) => r.id));
}

export function pruneLoginHistory(db: Db, before: string): Promise<number> {
  return deleteInBatches(db, 'login_history', async (limit) =>
    (await db.selectFrom('login_history').select('id').where('created_at', '<', before).limit(limit).execute()).map((r) => r.id));
}

/** Failure counters (per account and per account and address) that are not locked and had no failure since `before`. */
export async function pruneSigninFailures(db: Db, now: string, before: string): Promise<number> {
  const result = await db
    .deleteFrom('signin_failures')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  const addresses = await db
    .deleteFrom('signin_address_failures')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows) + Number(addresses.numDeletedRows);
}
