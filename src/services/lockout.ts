import type { Db, Tx } from '../store/database.js';
import * as history from '../store/login-history.js';
import { nowIso } from '../store/values.js';
import type { Policy, Scope } from './context.js';
import { resolveUser } from './user-resolver.js';
import { recordAudit } from './audit.js';
import { AppError } from '../errors.js';

/**
 * Lock-out after wrong passwords, counted twice: per account and client address, locking that
 * address out of the account at SIGNIN_MAX_FAILURES, and per account from every address, locking
 * the account for everyone at the higher SIGNIN_MAX_ACCOUNT_FAILURES. Someone guessing from one
 * address therefore locks out only themselves, and the owner signing in from elsewhere is not
 * held up until the guessing comes from many addresses at once. Both locks last
 * SIGNIN_LOCK_SECONDS; a successful sign-in from an address forgets that address's count and the
 * account's; an administrator (`unlock-user`, `userpool unlock`, a new password by `update-user`)
 * forgets them all.
 */

/** When the lock in force for this account and address ends, or undefined. */
export async function activeLock(db: Db | Tx, poolId: string, userId: string, clientIp: string): Promise<string | undefined> {
  const now = nowIso();
  const [account, address] = await Promise.all([
    history.findFailures(db, poolId, userId),
    history.findAddressFailures(db, poolId, userId, clientIp),
  ]);
  const ends = [account?.locked_until, address?.locked_until].filter((until): until is string => Boolean(until) && until! > now);
  return ends.sort().at(-1);
}

/**
 * Counts a wrong password in the caller's transaction, wherever it was typed (sign-in, the hosted
 * page, an old password at update-password); answers when the lock it set ends, if it set one.
 */
export async function countWrongPassword(trx: Tx, policy: Policy, poolId: string, userId: string, clientIp: string): Promise<string | undefined> {
  const at = nowIso();
  const until = new Date(Date.now() + policy.signinLockSeconds * 1000).toISOString();
  let locked = false;
  if ((await history.addAddressFailure(trx, poolId, userId, clientIp, at)) >= policy.signinMaxFailures) {
    await history.lockAddressUntil(trx, poolId, userId, clientIp, until);
    locked = true;
  }
  if ((await history.addFailure(trx, poolId, userId, at)) >= policy.signinMaxAccountFailures) {
    await history.lockUntil(trx, poolId, userId, until);
    locked = true;
  }
  return locked ? until : undefined;
}

/**
 * An administrator lifts every lock-out of a user and forgets every count (`unlock-user`).
 * Without `userIdType` the CLI's guess applies: the value is tried as an id, a username, an
 * email, a phone and an external id, the first that names a user wins (usernames, emails and
 * phones cannot name two users, see user-identifiers.ts).
 */
export async function unlockUser(scope: Scope, userId: string, userIdType?: string, guess = false): Promise<{ success: boolean; wasLocked: boolean }> {
  return scope.db.transaction().execute(async (trx) => {
    const user = guess ? await resolveAny(trx, scope.poolId, userId) : await resolveUser(trx, scope.poolId, userId, userIdType);
    const wasLocked = await history.clearFailures(trx, scope.poolId, user.id);
    await recordAudit(trx, scope, { action: 'unlock-user', targetType: 'user', targetIds: [user.id], detail: { wasLocked } });
    return { success: true, wasLocked };
  });
}

async function resolveAny(trx: Tx, poolId: string, value: string) {
  const types = ['user_id', 'username', 'email', 'phone', 'external_id'];
  for (const type of types.slice(0, -1)) {
    const found = await resolveUser(trx, poolId, value, type).catch((error: unknown) => {
      if (error instanceof AppError && error.statusCode < 500) return undefined;
      throw error;
    });
    if (found) return found;
  }
  return resolveUser(trx, poolId, value, types.at(-1));
}
