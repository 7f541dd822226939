import * as store from '../store/consents.js';
import type { Db, Tx } from '../store/database.js';
import { nowIso } from '../store/values.js';

const scopeSet = (scope: string) => new Set(scope.split(' ').filter(Boolean));

/**
 * The scopes of `scope` the person has not yet granted the application. Signing in on the hosted
 * page, which names the application and what it asks for, grants them; so does the consent page.
 */
export async function missingConsent(db: Db | Tx, poolId: string, userId: string, appId: string, scope: string): Promise<string[]> {
  const granted = scopeSet((await store.findConsent(db, poolId, userId, appId)) ?? '');
  return [...scopeSet(scope)].filter((s) => !granted.has(s));
}

/** Adds the scopes to what the person granted the application. */
export async function grantConsent(trx: Tx, poolId: string, userId: string, appId: string, scope: string): Promise<void> {
  const granted = scopeSet((await store.findConsent(trx, poolId, userId, appId)) ?? '');
  for (const s of scopeSet(scope)) granted.add(s);
  await store.saveConsent(trx, { pool_id: poolId, user_id: userId, app_id: appId, scope: [...granted].sort().join(' '), updated_at: nowIso() });
}
