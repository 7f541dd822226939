import { ApiCode, badRequest, conflict, forbidden, unauthorized } from '../errors.js';
import { lockRows, type Tx } from '../store/database.js';
import * as history from '../store/login-history.js';
import * as tokens from '../store/tokens.js';
import * as users from '../store/users.js';
import type { UserRow } from '../store/users.js';
import { nowIso } from '../store/values.js';
import type { UpdatePasswordInput, UpdateProfileInput } from '../schemas/self-service.js';
import { recordAudit } from './audit.js';
import { activeLock, countWrongPassword } from './lockout.js';
import type { Me } from './end-user.js';
import { hashPassword, passwordStrength, verifyPassword } from './passwords.js';
import { translateUniqueViolation, updateResolvedUser } from './users.js';
import { toUserViews, type UserViewOptions } from './user-view.js';
import { enqueueEvent } from './outbox.js';

/** The user's own account: profile, password and security summary. */

const gone = () => unauthorized('authorization: the user of this access token no longer exists', ApiCode.NOT_SIGNED_IN);

/**
 * The user's row, locked until the transaction ends (PostgreSQL) and re-read under the lock: a
 * resignation or suspension that commits after the token check still wins over the user's write.
 */
async function lockActiveUser(trx: Tx, me: Me): Promise<UserRow> {
  await lockRows(trx, me.scope.dialect, 'users', [me.userId]);
  const user = await users.findById(trx, me.scope.poolId, me.userId);
  if (!user) throw gone();
  if (user.status !== 'Activated') {
    throw unauthorized(`authorization: the user of this access token is ${user.status}`, user.status === 'Resigned' ? ApiCode.USER_RESIGNED : ApiCode.USER_LOCKED);
  }
  return user;
}

export async function getProfile(me: Me, view: UserViewOptions) {
  const user = await users.findById(me.scope.db, me.scope.poolId, me.userId);
  if (!user) throw gone();
  return (await toUserViews(me.scope.db, me.scope.poolId, [user], view))[0];
}

/**
 * The fields an end user may not change about themselves, and why. The identifiers an
 * administrator or a directory sync owns stay theirs; email and phone need a verified change.
 */
const NOT_SELF_SERVICE: Record<'externalId' | 'email' | 'phone' | 'password' | 'status', string> = {
  externalId: 'externalId: links the account to an outside directory; only an administrator changes it (update-user)',
  email: 'email: an end user cannot change their email without a verification code, which this server does not send; an administrator can (update-user)',
  phone: 'phone: an end user cannot change their phone without a verification code, which this server does not send; an administrator can (update-user)',
  password: 'password: change it with update-password, which checks the old one',
  status: 'status: an end user cannot change their own status',
};

export async function updateProfile(me: Me, input: UpdateProfileInput) {
  for (const [field, reason] of Object.entries(NOT_SELF_SERVICE)) {
    if (input[field as keyof typeof NOT_SELF_SERVICE] !== undefined) throw forbidden(reason);
  }
  const { externalId: _e, email: _m, phone: _p, password: _w, status: _s, ...fields } = input;
  const changed = Object.keys(fields).filter((key) => fields[key as keyof typeof fields] !== undefined);
  try {
    return await me.scope.db.transaction().execute(async (trx) => {
      const user = await lockActiveUser(trx, me);
      const view = await updateResolvedUser(trx, me.scope, user, { ...fields, userId: user.id }, undefined);
      await recordAudit(trx, me.scope, { action: 'update-profile', targetType: 'user', targetIds: [user.id], detail: { fields: changed } });
      return view;
    });
  } catch (error) {
    return translateUniqueViolation(error);
  }
}

/**
 * Changes the password when the old one is right. Every other session of the user ends with it
 * (their refresh tokens stop working, their access tokens introspect inactive): whoever learnt
 * the old password is signed out; the session that made the change stays signed in.
 *
 * A wrong old password counts toward the same lock-out as a wrong password at sign-in, per
 * account and `clientIp` and per account (lockout.ts), so a stolen access token is no better for
 * guessing than the sign-in form: the address that guesses locks itself out of the account, and
 * guesses from many addresses lock the account.
 */
export async function updatePassword(me: Me, input: UpdatePasswordInput, clientIp: string): Promise<{ success: boolean }> {
  if (input.passwordResetToken !== undefined) throw badRequest('passwordResetToken: resetting by token is not available here; give oldPassword');
  if (!input.oldPassword) throw badRequest('oldPassword: is required to change the password');
  if (input.newPassword === input.oldPassword) throw badRequest('newPassword: must differ from oldPassword');
  const user = await users.findById(me.scope.db, me.scope.poolId, me.userId);
  if (!user) throw gone();
  if (!user.password_hash) throw badRequest('oldPassword: this account has no password yet; an administrator sets the first one (update-user)');
  const { db, poolId, policy } = me.scope;
  // The caller holds the account's token, so being told it is locked reveals nothing new.
  const locked = await activeLock(db, poolId, user.id, clientIp);
  if (locked) throw forbidden(`too many wrong passwords: this account is locked until ${locked}`, ApiCode.USER_LOCKED);
  // Hashing is slow: both happen before the transaction opens.
  if (!(await verifyPassword(user.password_hash, input.oldPassword))) {
    const lockedUntil = await db.transaction().execute((trx) => countWrongPassword(trx, policy, poolId, user.id, clientIp));
    if (lockedUntil) throw forbidden(`too many wrong passwords: this account is locked until ${lockedUntil}`, ApiCode.USER_LOCKED);
    throw badRequest('oldPassword: is wrong', ApiCode.WRONG_PASSWORD);
  }
  const hash = await hashPassword(input.newPassword);
  await me.scope.db.transaction().execute(async (trx) => {
    const fresh = await lockActiveUser(trx, me);
    if (fresh.password_hash !== user.password_hash) throw conflict('oldPassword: the password was changed meanwhile; try again with the current one');
    const now = nowIso();
    await users.updateUser(trx, me.scope.poolId, user.id, {
      password_hash: hash, password_last_set_at: now, password_strength: passwordStrength(input.newPassword), reset_password_on_next_login: 0, updated_at: now,
    });
    await history.clearFailures(trx, me.scope.poolId, user.id);
    const ended = await tokens.revokeOtherSessionsOfUser(trx, me.scope.poolId, user.id, me.sessionId, now, 'password changed');
    await recordAudit(trx, me.scope, { action: 'update-password', targetType: 'user', targetIds: [user.id], detail: { otherSessionsEnded: ended } });
    await enqueueEvent(trx, me.scope, 'user:password-changed', { userId: user.id, accountType: user.account_type, changedBy: 'self', otherSessionsEnded: ended });
  });
  return { success: true };
}

/**
 * GetSecurityInfoDto. The score adds up to 100: the password's strength (20 a level, up to 60),
 * an email (20 when verified, 10 when not) and a phone (likewise). No MFA exists here yet.
 */
export async function getSecurityInfo(me: Me) {
  const user = await users.findById(me.scope.db, me.scope.poolId, me.userId);
  if (!user) throw gone();
  const level = user.password_hash ? Number(user.password_strength ?? 0) : 0;
  const bound = (value: string | null, verified: number) => (value ? (Number(verified) === 1 ? 20 : 10) : 0);
  return {
    passwordSecurityLevel: level,
    mfaEnrolled: false,
    passwordSet: Boolean(user.password_hash),
    emailBinded: Boolean(user.email),
    phoneBinded: Boolean(user.phone),
    securityScore: level * 20 + bound(user.email, user.email_verified) + bound(user.phone, user.phone_verified),
  };
}
