import { badRequest, notFound } from '../errors.js';
import * as pools from '../store/pools.js';
import type { Scope } from './context.js';
import { enqueueEvent } from './outbox.js';

/**
 * The user pool's own settings, read and changed through the SDK's security-settings calls.
 * Only `registerDisabled` is kept here: self-registration (`signup`) is off in every pool until
 * its operator turns it on.
 */
export interface SecuritySettings {
  registerDisabled: boolean;
}

/** The fields of UpdateSecuritySettingsDto this server does not keep: refused by name, never dropped silently. */
export const UNSUPPORTED_SECURITY_SETTINGS = [
  'allowedOrigins', 'authingTokenExpiresIn', 'verifyCodeLength', 'verifyCodeMaxAttempts', 'changeEmailStrategy', 'changePhoneStrategy',
  'cookieSettings', 'registerAnomalyDetection', 'completePasswordAfterPassCodeLogin', 'loginAnomalyDetection', 'loginRequireEmailVerified',
  'selfUnlockAccount', 'enableLoginAccountSwitch', 'qrcodeLoginStrategy',
] as const;

export async function getSecuritySettings(scope: Scope): Promise<SecuritySettings> {
  const pool = await pools.findPoolById(scope.db, scope.poolId);
  if (!pool) throw notFound('this user pool no longer exists');
  return { registerDisabled: Number(pool.self_registration ?? 0) !== 1 };
}

export async function updateSecuritySettings(scope: Scope, input: Partial<SecuritySettings> & Record<string, unknown>): Promise<SecuritySettings> {
  const unsupported = UNSUPPORTED_SECURITY_SETTINGS.filter((field) => input[field] !== undefined);
  if (unsupported.length) throw badRequest(`${unsupported.join(', ')}: not kept by this server; only registerDisabled is`);
  if (input.registerDisabled !== undefined) {
    const registerDisabled = input.registerDisabled;
    await scope.db.transaction().execute(async (trx) => {
      await pools.setSelfRegistration(trx, scope.poolId, !registerDisabled);
      await enqueueEvent(trx, scope, 'user-pool:updated', { userPoolId: scope.poolId, securitySettings: { registerDisabled } });
    });
  }
  return getSecuritySettings(scope);
}
