import * as keys from '../store/access-keys.js';
import type { AccessKeyRow } from '../store/access-keys.js';
import { decryptSecret } from '../lib/secrets.js';
import { nowIso } from '../store/values.js';
import { resolveUser } from './user-resolver.js';
import { createKey } from './access-keys.js';
import { keyErrors } from '../messages/access-keys.js';
import type { Scope } from './context.js';

/**
 * A pool's management keys over the API (create/list/get/update/delete-access-key), with the
 * CLI's rules: the secret is answered once, at creation, and kept encrypted; a key that stops
 * working (disabled, deleted) is refused at once by this process and, through Redis, by every
 * other. A pool always keeps one active key: the last one cannot be disabled or deleted, since
 * nothing but the CLI could then reach the pool again.
 */
export interface PoolKeyView {
  accessKeyId: string;
  /** Only in the answer of create-access-key. */
  accessKeySecret?: string;
  userId: string | null;
  type: string | null;
  /** GenAuth's statuses: `activated` (enabled or not) or `revoked`. */
  status: 'activated' | 'revoked';
  enable: boolean;
  createdAt: string;
  lastDate: string | null;
  userPoolId: string;
}

function view(row: AccessKeyRow): PoolKeyView {
  return {
    accessKeyId: row.key_id,
    userId: row.user_id,
    type: row.key_type,
    status: row.status === 'revoked' ? 'revoked' : 'activated',
    enable: row.status === 'active',
    createdAt: row.created_at,
    // Uses are not written down per request (that would be a write on every signed call).
    lastDate: null,
    userPoolId: row.pool_id,
  };
}

export async function createPoolKey(scope: Scope, input: { type: string; userId?: string; tenantId?: string }): Promise<PoolKeyView[]> {
  if (input.tenantId !== undefined) throw keyErrors.tenantsUnsupported();
  const owner = input.userId === undefined ? undefined : (await resolveUser(scope.db, scope.poolId, input.userId, 'user_id')).id;
  const issued = await createKey(scope, scope.poolId, { userId: owner, keyType: input.type, description: 'created over the API' });
  const row = await keys.findPoolKey(scope.db, scope.poolId, issued.keyId);
  return [{ ...view(row!), accessKeySecret: decryptSecret(scope.masterKey, row!.secret_enc) }];
}

const STATUSES: Record<string, AccessKeyRow['status'][]> = { activated: ['active', 'disabled'], staging: [], revoked: ['revoked'] };

export async function listPoolKeys(scope: Scope, query: { userId?: string; type?: string; status?: string[]; tenantId?: string }): Promise<PoolKeyView[]> {
  if (query.tenantId !== undefined) throw keyErrors.tenantsUnsupported();
  // Without a status filter the keys that still exist: revoked and deleted keys are history.
  const statuses = (query.status?.length ? query.status : ['activated']).flatMap((s) => STATUSES[s]);
  if (statuses.length === 0) return [];
  const rows = await keys.listPoolKeys(scope.db, scope.poolId, { statuses, userId: query.userId, keyType: query.type });
  return rows.map(view);
}

export async function getPoolKey(scope: Scope, query: { accessKeyId: string; userId?: string }): Promise<PoolKeyView[]> {
  const row = await keys.findPoolKey(scope.db, scope.poolId, query.accessKeyId);
  // A key of another pool is answered exactly as an unknown one.
  if (!row || (query.userId !== undefined && row.user_id !== query.userId)) throw keyErrors.notFound(query.accessKeyId);
  return [view(row)];
}

async function changeStatus(scope: Scope, keyId: string, status: AccessKeyRow['status']): Promise<void> {
  const stopped = await scope.db.transaction().execute(async (trx) => {
    await keys.lockPoolKeys(trx, scope.dialect, scope.poolId);
    const row = await keys.findPoolKey(trx, scope.poolId, keyId);
    if (!row) throw keyErrors.notFound(keyId);
    if (row.status === 'revoked') {
      if (status === 'revoked') return false; // deleting again changes nothing
      throw keyErrors.revoked(keyId);
    }
    if (row.status === 'active' && status !== 'active' && (await keys.countActivePoolKeys(trx, scope.poolId)) <= 1) {
      throw keyErrors.lastActiveKey(keyId);
    }
    return (await keys.setPoolKeyStatus(trx, scope.poolId, keyId, status, nowIso())) && status !== 'active';
  });
  if (stopped) await scope.keyStopped?.(keyId);
}

export async function updatePoolKey(scope: Scope, input: { accessKeyId: string; enable: boolean }): Promise<{ success: boolean }> {
  await changeStatus(scope, input.accessKeyId, input.enable ? 'active' : 'disabled');
  return { success: true };
}

/** Deleting revokes for good; the row stays so that a bootstrap key cannot be brought back. */
export async function deletePoolKey(scope: Scope, input: { accessKeyId: string }): Promise<{ success: boolean }> {
  await changeStatus(scope, input.accessKeyId, 'revoked');
  return { success: true };
}
