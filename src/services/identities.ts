import type { Db, Tx } from '../store/database.js';
import { isUniqueViolation } from '../store/database.js';
import * as store from '../store/identities.js';
import type { IdentityRow } from '../store/identities.js';
import { newId } from '../lib/ids.js';
import { encryptSecret } from '../lib/secrets.js';
import { nowIso, parseJson, toJson, opt } from '../store/values.js';
import { assertThat, badRequest, conflict, notFound } from '../errors.js';
import type { Scope } from './context.js';
import { resolveUser } from './user-resolver.js';
import { enqueueEvent } from './outbox.js';

export interface IdentityView {
  identityId: string;
  extIdpId: string;
  provider: string;
  type: string;
  userIdInIdp: string;
  userInfoInIdp: unknown;
  originConnIds: string[];
}

export interface IdentityInput {
  extIdpId: string;
  provider?: string;
  type?: string;
  userIdInIdp: string;
  userInfoInIdp?: unknown;
  accessToken?: string;
  refreshToken?: string;
  originConnIds?: string[];
}

/** Tokens an external provider issued stay stored but never leave through the API. */
function toIdentityView(row: IdentityRow): IdentityView {
  return {
    identityId: row.id,
    extIdpId: row.ext_idp_id,
    provider: row.provider,
    type: row.type,
    userIdInIdp: row.user_id_in_idp,
    userInfoInIdp: parseJson(row.user_info_in_idp, {}),
    originConnIds: parseJson<string[]>(row.origin_conn_ids, []),
  };
}

export async function listIdentitiesOfUsers(db: Db | Tx, poolId: string, userIds: string[]): Promise<Map<string, IdentityView[]>> {
  const map = new Map<string, IdentityView[]>();
  for (const row of await store.identitiesOfUsers(db, poolId, userIds)) {
    const list = map.get(row.user_id) ?? [];
    list.push(toIdentityView(row));
    map.set(row.user_id, list);
  }
  return map;
}

function extIdpView(row: store.ExtIdpRow) {
  return { id: row.id, name: row.name, type: row.type, tenantId: opt(row.tenant_id), connections: [] as unknown[] };
}

export async function createExtIdp(scope: Scope, input: { name: string; type: string; tenantId?: string }) {
  const now = nowIso();
  const row = { id: newId(), pool_id: scope.poolId, name: input.name, type: input.type, tenant_id: input.tenantId ?? null, created_at: now, updated_at: now };
  await store.insertExtIdp(scope.db, row);
  return extIdpView(row);
}

export async function getExtIdp(scope: Scope, id: string) {
  const row = await store.findExtIdp(scope.db, scope.poolId, id);
  assertThat(row, () => notFound(`id: no external identity source "${id}" in this user pool`));
  return extIdpView(row);
}

export async function updateExtIdp(scope: Scope, input: { id: string; name: string }) {
  return scope.db.transaction().execute(async (trx) => {
    const renamed = await store.renameExtIdp(trx, scope.poolId, input.id, input.name, nowIso());
    assertThat(renamed, () => notFound(`id: no external identity source "${input.id}" in this user pool`));
    return extIdpView((await store.findExtIdp(trx, scope.poolId, input.id))!);
  });
}

/**
 * A source that people still sign in with cannot be deleted: their identities would point at
 * nothing. Unlink them first (unlink-identity), then delete.
 */
export async function deleteExtIdp(scope: Scope, id: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    assertThat(await store.findExtIdp(trx, scope.poolId, id), () => notFound(`id: no external identity source "${id}" in this user pool`));
    const linked = await store.countIdentitiesOfSource(trx, scope.poolId, id);
    if (linked > 0) throw conflict(`id: ${linked} ${linked === 1 ? 'identity still comes' : 'identities still come'} from source "${id}"; unlink them first`);
    await store.deleteExtIdp(trx, scope.poolId, id);
  });
  return { success: true };
}

export async function listExtIdps(scope: Scope, tenantId?: string) {
  const rows = await store.listExtIdps(scope.db, scope.poolId, tenantId);
  return { list: rows.map(extIdpView), totalCount: rows.length };
}

/**
 * Rows for identities given at create-user or link-identity; every source must exist in the pool
 * and a source's user id can belong to one user only (checked again by the unique index).
 */
/** The provider's tokens are stored encrypted under the master key (they are never answered back). */
export async function identityRows(db: Db | Tx, masterKey: Buffer, poolId: string, userId: string, inputs: IdentityInput[], field = 'identities'): Promise<IdentityRow[]> {
  const rows: IdentityRow[] = [];
  const seen = new Set<string>();
  // An empty field names the body's own fields (link-identity); otherwise items of a list.
  const at = (index: number) => (field ? `${field}[${index}].` : '');
  for (const [index, input] of inputs.entries()) {
    const idp = await store.findExtIdp(db, poolId, input.extIdpId);
    assertThat(idp, () => badRequest(`${at(index)}extIdpId: no external identity source "${input.extIdpId}" in this user pool`));
    const key = `${input.extIdpId}:${input.userIdInIdp}`;
    const taken = seen.has(key) || (await store.findIdentity(db, poolId, input.extIdpId, input.userIdInIdp));
    assertThat(!taken, () => conflict(`${at(index)}userIdInIdp: identity ${key} already belongs to a user`));
    seen.add(key);
    rows.push({
      id: newId(),
      pool_id: poolId,
      user_id: userId,
      ext_idp_id: input.extIdpId,
      provider: input.provider ?? idp.type,
      type: input.type ?? 'generic',
      user_id_in_idp: input.userIdInIdp,
      user_info_in_idp: toJson(input.userInfoInIdp ?? {}),
      access_token: input.accessToken ? encryptSecret(masterKey, input.accessToken) : null,
      refresh_token: input.refreshToken ? encryptSecret(masterKey, input.refreshToken) : null,
      origin_conn_ids: toJson(input.originConnIds ?? []),
      created_at: nowIso(),
    });
  }
  return rows;
}

async function insertOrConflict(work: () => Promise<void>, message: string): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(message);
    throw error;
  }
}

export async function getUserIdentities(scope: Scope, userId: string, userIdType?: string): Promise<IdentityView[]> {
  const user = await resolveUser(scope.db, scope.poolId, userId, userIdType);
  return (await listIdentitiesOfUsers(scope.db, scope.poolId, [user.id])).get(user.id) ?? [];
}

/**
 * get-user-logged-in-identities. Userpool has no federated sign-in of its own: an identity exists
 * because it was linked or imported as one the person signs in with elsewhere, so every identity
 * the user holds is listed, named after its source. There are no logos to give.
 */
export async function getUserLoggedInIdentities(scope: Scope, userId: string, userIdType?: string) {
  const user = await resolveUser(scope.db, scope.poolId, userId, userIdType);
  const rows = await store.identitiesWithSources(scope.db, scope.poolId, user.id);
  return rows.map((row) => {
    const name = row.idpName ?? row.provider;
    return { identityId: row.identityId, idpId: row.idpId, idpName: name, idpNameEn: name, idpLogo: '' };
  });
}

export async function linkIdentity(scope: Scope, input: { userId: string; extIdpId: string; userIdInIdp: string; type?: string }) {
  await scope.db.transaction().execute(async (trx) => {
    const user = await resolveUser(trx, scope.poolId, input.userId, 'user_id');
    const rows = await identityRows(trx, scope.masterKey, scope.poolId, user.id, [input], '');
    await insertOrConflict(() => store.insertIdentities(trx, rows), `userIdInIdp: identity ${input.extIdpId}:${input.userIdInIdp} already belongs to a user`);
    await enqueueEvent(trx, scope, 'user:link-account', { userId: user.id, extIdpId: input.extIdpId, userIdInIdp: input.userIdInIdp, type: input.type ?? null });
  });
  return { success: true };
}

export async function unlinkIdentity(scope: Scope, input: { userId: string; extIdpId: string }) {
  await scope.db.transaction().execute(async (trx) => {
    const user = await resolveUser(trx, scope.poolId, input.userId, 'user_id');
    const removed = await store.deleteIdentitiesOfUser(trx, scope.poolId, user.id, input.extIdpId);
    assertThat(removed > 0, () => notFound(`extIdpId: user "${input.userId}" has no identity from source "${input.extIdpId}"`));
  });
  return { success: true };
}

function syncRelationView(row: store.SyncRelationRow) {
  return { provider: row.provider, userIdInIdp: row.user_id_in_idp, userId: row.user_id, createdAt: row.created_at };
}

/**
 * Records that a user came from a directory sync (`<provider>:<userIdInIdp>`). In the cloud sync
 * jobs write these; here `create-user-sync-relation` does, so imports and tests can.
 */
export async function createSyncRelation(scope: Scope, input: { userId: string; userIdType?: string; provider: string; userIdInIdp: string }) {
  return scope.db.transaction().execute(async (trx) => {
    const user = await resolveUser(trx, scope.poolId, input.userId, input.userIdType);
    const existing = await store.findSyncRelation(trx, scope.poolId, input.provider, input.userIdInIdp);
    assertThat(!existing, () => conflict(`userIdInIdp: ${input.provider}:${input.userIdInIdp} is already related to a user`));
    const row = { id: newId(), pool_id: scope.poolId, user_id: user.id, provider: input.provider, user_id_in_idp: input.userIdInIdp, created_at: nowIso() };
    await insertOrConflict(() => store.insertSyncRelation(trx, row), `userIdInIdp: ${input.provider}:${input.userIdInIdp} is already related to a user`);
    return syncRelationView(row);
  });
}

export async function getUserSyncRelations(scope: Scope, userId: string, userIdType?: string) {
  const user = await resolveUser(scope.db, scope.poolId, userId, userIdType);
  const rows = await store.syncRelationsOfUser(scope.db, scope.poolId, user.id);
  return { list: rows.map(syncRelationView), totalCount: rows.length };
}

export async function deleteUserSyncRelations(scope: Scope, input: { userId: string; userIdType?: string; provider: string }) {
  await scope.db.transaction().execute(async (trx) => {
    const user = await resolveUser(trx, scope.poolId, input.userId, input.userIdType);
    await store.deleteSyncRelations(trx, scope.poolId, user.id, input.provider);
  });
  return { success: true };
}
