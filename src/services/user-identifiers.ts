import type { Tx } from '../store/database.js';
import * as store from '../store/user-identifiers.js';
import * as users from '../store/users.js';
import type { UserRow } from '../store/users.js';
import { ApiCode, conflict } from '../errors.js';

/**
 * Usernames, emails and phones share one namespace per pool, compared without regard to case:
 * `account` sign-in tries all three, so a value that is one user's username and another's email
 * would let one of them sign in as the other (or lock the other out). The database holds the
 * guarantee (`user_identifiers`, one row per value); these rules keep it in step with the users.
 */
export type IdentifierField = 'username' | 'email' | 'phone';

type Identified = Pick<UserRow, 'username' | 'email' | 'phone'>;

/** The key an identifier is compared by. */
export const identifierKey = (value: string): string => value.toLowerCase();

function keysOf(row: Identified): Map<string, { field: IdentifierField; value: string }> {
  const keys = new Map<string, { field: IdentifierField; value: string }>();
  for (const field of ['username', 'email', 'phone'] as const) {
    const value = row[field];
    if (value && !keys.has(identifierKey(value))) keys.set(identifierKey(value), { field, value });
  }
  return keys;
}

/**
 * Registers the identifiers `after` has and `before` had not (all of them for a new user), and
 * gives up those it no longer has. A value held by another user is refused with a 409 naming the
 * field and what the value is to its holder; the caller's transaction then writes nothing.
 */
export async function syncIdentifiers(trx: Tx, poolId: string, userId: string, before: Identified | undefined, after: Identified, where = ''): Promise<void> {
  const old = before ? keysOf(before) : new Map();
  const next = keysOf(after);
  await store.releaseKeys(trx, poolId, userId, [...old.keys()].filter((key) => !next.has(key)));
  const wanted = [...next.keys()].filter((key) => !old.has(key));
  const refused = await store.claimKeys(trx, poolId, userId, wanted);
  if (refused.length === 0) return;
  const holders = await store.findHolders(trx, poolId, refused);
  for (const holder of holders) {
    if (holder.user_id === userId) continue;
    const mine = next.get(holder.key)!;
    const theirs = await users.findById(trx, poolId, holder.user_id);
    const kind = theirs ? keysOf(theirs).get(holder.key)?.field : undefined;
    const apiCode = mine.field === 'username' ? ApiCode.USERNAME_TAKEN : mine.field === 'phone' ? ApiCode.PHONE_TAKEN : ApiCode.USER_EXISTS;
    throw conflict(`${where}${mine.field}: "${mine.value}" is already ${kind ? `another user's ${kind}` : 'used by another user'} in this user pool`, apiCode);
  }
}

/**
 * The users an `account` typed at sign-in names: its username, email or phone. More than one
 * means the data is ambiguous (written before identifiers shared a namespace); sign-in must then
 * refuse rather than choose.
 */
export async function findAccountHolders(db: Parameters<typeof users.findByAnyIdentifier>[0], poolId: string, account: string): Promise<UserRow[]> {
  return users.findByAnyIdentifier(db, poolId, { username: account, emailKey: account.toLowerCase(), phone: account });
}
