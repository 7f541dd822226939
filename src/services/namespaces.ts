import { refuseReservedNamespace } from './console-client.js';
import type { Db, Tx } from '../store/database.js';
import { isUniqueViolation } from '../store/database.js';
import * as store from '../store/namespaces.js';
import * as roleStore from '../store/roles.js';
import type { NamespaceRow } from '../store/namespaces.js';
import { newId } from '../lib/ids.js';
import { nowIso, opt } from '../store/values.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { removeAuthorizationsOfTargets } from './grants.js';
import type { Scope } from './context.js';
import { enqueueEvent, enqueueEvents } from './outbox.js';
import { namespaceErrors } from '../messages/namespaces.js';
import { MAX_PAGE } from '../schemas/common.js';

/**
 * Permission namespaces (权限分组) and the rules roles and groups share with them: code format,
 * paging and the clean-up of what points at a deleted role or group. GenAuth's `*-namespace`
 * endpoints and the SDK's newer `*-permission-namespace` ones name the same namespaces: one table,
 * one set of rules, here; only a few answers' shapes differ. Several messages are
 * GenAuth's own words (the official SDK's specs compare them verbatim); where a spec only looks
 * for the phrase, ours names the field first and keeps the phrase in brackets.
 */

export const DEFAULT_NAMESPACE = 'default';
const DEFAULT_NAME = 'Default';
const CODE = /^[A-Za-z0-9_.:-]+$/;
const MAX_CODE = 64;

export const formatError = (field: string, detail?: string) => badRequest(`参数 ${field} 格式错误${detail ? `: ${detail}` : ''}`);

/** A code as single-item endpoints check it: length first (format error), then the characters. */
export function checkCode(kind: 'namespace' | 'role' | 'group', code: string, field: string): void {
  if (code.length === 0 || code.length > MAX_CODE) throw formatError(field);
  if (!CODE.test(code)) throw badRequest(`invalid ${kind} code: ${code}`);
}

/** A code inside a batch item: GenAuth reports length and characters alike as an invalid code. */
export function checkBatchCode(kind: 'namespace' | 'role' | 'group', code: string): void {
  if (code.length === 0) throw badRequest(`${kind} code must not empty`);
  if (code.length > MAX_CODE || !CODE.test(code)) throw badRequest(`invalid ${kind} code: ${code}`);
}

export function checkLookupCode(code: string | undefined, field = 'code'): string {
  if (code === undefined || code.length === 0 || code.length > MAX_CODE) throw formatError(field);
  return code;
}

export function checkList(list: unknown[] | undefined, field: string, max = 50): void {
  if (!list || list.length === 0) throw formatError(field);
  if (list.length > max) throw formatError(field, `at most ${max} items`);
}

export function checkPaging(page: number | undefined, limit: number | undefined, max = 50): { offset: number; limit: number } {
  const p = page ?? 1;
  const l = limit ?? 10;
  if (!Number.isInteger(p) || p < 1 || p > MAX_PAGE) throw formatError('page', `must be an integer from 1 to ${MAX_PAGE}`);
  if (!Number.isInteger(l) || l < 1 || l > max) throw formatError('limit', `must be an integer from 1 to ${max}`);
  return { offset: (p - 1) * l, limit: l };
}

/**
 * Removes resource authorizations granted to roles or groups about to be deleted, inside the
 * deleting transaction, so no grant is left pointing at nothing (the resources family owns it).
 */
export { removeAuthorizationsOfTargets } from './grants.js';

export const namespaceNotFound = namespaceErrors.notFound;

function defaultRow(poolId: string): NamespaceRow {
  const now = nowIso();
  return { id: newId(), pool_id: poolId, code: DEFAULT_NAMESPACE, name: DEFAULT_NAME, description: null, created_at: now, updated_at: now };
}

/**
 * The namespace a role call names (`default` when none). The default namespace exists in every
 * pool without being created: reads of a pool that never wrote to it see it empty, and the
 * first write creates its row.
 */
export async function namespaceForRead(db: Db | Tx, poolId: string, code: string | undefined, field = 'namespace'): Promise<NamespaceRow> {
  const wanted = code || DEFAULT_NAMESPACE;
  const row = await store.findByCode(db, poolId, wanted);
  if (row) return row;
  if (wanted === DEFAULT_NAMESPACE) return { ...defaultRow(poolId), id: '' };
  throw namespaceNotFound(wanted, field);
}

export async function namespaceForWrite(trx: Tx, poolId: string, code: string | undefined, field = 'namespace'): Promise<NamespaceRow> {
  const wanted = code || DEFAULT_NAMESPACE;
  if (wanted === DEFAULT_NAMESPACE) await store.insertIfMissing(trx, defaultRow(poolId));
  const row = await store.findByCode(trx, poolId, wanted);
  if (!row) throw namespaceNotFound(wanted, field);
  return row;
}

export interface NamespaceView {
  code: string;
  name: string;
  description?: string;
}

const toView = (row: NamespaceRow): NamespaceView => ({ code: row.code, name: row.name, description: opt(row.description) });

export interface NamespaceInput {
  code: string;
  name?: string;
  description?: string;
}

function builtInError(field: string) {
  return badRequest(`${field}: "${DEFAULT_NAMESPACE}" is the built-in namespace of every user pool and cannot be created, renamed or deleted`);
}

function translateDuplicate(error: unknown, code: string, field: string): never {
  if (isUniqueViolation(error)) throw conflict(`${field}: permission namespace "${code}" already exists in this user pool`);
  throw error;
}

async function insertNamespaces(scope: Scope, inputs: NamespaceInput[], where: (i: number) => string): Promise<NamespaceRow[]> {
  const seen = new Set<string>();
  inputs.forEach((input, i) => {
    if (input.code === DEFAULT_NAMESPACE) throw builtInError(`${where(i)}code`);
    if (seen.has(input.code)) throw conflict(`${where(i)}code: "${input.code}" appears twice in this request`);
    seen.add(input.code);
  });
  const now = nowIso();
  const rows = inputs.map((input) => ({
    id: newId(), pool_id: scope.poolId, code: input.code, name: input.name || input.code, description: input.description ?? null, created_at: now, updated_at: now,
  }));
  return scope.db.transaction().execute(async (trx) => {
    const taken = await store.findByCodes(trx, scope.poolId, rows.map((r) => r.code));
    if (taken.length) {
      const i = inputs.findIndex((input) => input.code === taken[0].code);
      throw conflict(`${where(i)}code: permission namespace "${taken[0].code}" already exists in this user pool`);
    }
    try {
      await store.insert(trx, rows);
    } catch (error) {
      translateDuplicate(error, inputs[0].code, 'code');
    }
    await enqueueEvents(trx, scope, 'privilege-namespace:created', rows.map((r) => ({ namespaceId: r.id, code: r.code, namespace: toView(r) })));
    return rows;
  });
}

export async function createNamespace(scope: Scope, input: NamespaceInput): Promise<NamespaceView> {
  checkCode('namespace', input.code, 'code');
  return toView((await insertNamespaces(scope, [input], () => ''))[0]);
}

export async function createNamespaces(scope: Scope, list: NamespaceInput[]): Promise<{ success: boolean }> {
  checkList(list, 'list');
  list.forEach((item, i) => {
    if (item.code.length === 0) throw namespaceErrors.emptyCode(`list[${i}].code`);
    if (item.code.length > MAX_CODE || !CODE.test(item.code)) throw badRequest(`invalid namespace code: ${item.code}`);
  });
  await insertNamespaces(scope, list, (i) => `list[${i}].`);
  return { success: true };
}

export async function getNamespace(scope: Scope, code: string): Promise<NamespaceView> {
  checkLookupCode(code);
  const row = await store.findByCode(scope.db, scope.poolId, code);
  if (row) return toView(row);
  if (code === DEFAULT_NAMESPACE) return toView(defaultRow(scope.poolId));
  // GenAuth's exact wording; the SDK's specs compare it verbatim.
  throw notFound('namespace not exists');
}

/** Unknown codes are left out, as GenAuth does. */
export async function getNamespaces(scope: Scope, codes: string[]): Promise<NamespaceView[]> {
  const rows = await store.findByCodes(scope.db, scope.poolId, codes.filter((c) => c.length > 0));
  return rows.map(toView);
}

export async function listNamespaces(scope: Scope, query: { page?: number; limit?: number; keywords?: string }): Promise<{ list: Array<NamespaceView & { status: number }>; totalCount: number }> {
  const { offset, limit } = checkPaging(query.page, query.limit);
  const { rows, total } = await store.list(scope.db, scope.poolId, query.keywords, offset, limit);
  return { list: rows.map((r) => ({ ...toView(r), status: 1 })), totalCount: total };
}

/** Whether a code and a name are free for a new namespace (check-permission-namespace-exists): `isValid` false says why not. */
export async function checkNamespaceExists(scope: Scope, input: { code?: string; name?: string }): Promise<{ isValid: boolean; message?: string }> {
  if (input.code === undefined && input.name === undefined) throw namespaceErrors.codeOrNameNeeded();
  if (input.code !== undefined && (await store.findByCode(scope.db, scope.poolId, input.code))) {
    return { isValid: false, message: namespaceErrors.codeTaken(input.code).message };
  }
  if (input.name !== undefined && (await store.findByName(scope.db, scope.poolId, input.name))) {
    return { isValid: false, message: namespaceErrors.nameTaken(input.name).message };
  }
  return { isValid: true };
}

/** The roles of a namespace in brief (list-permission-namespace-roles); `query` matches code or name. */
export async function listNamespaceRoles(scope: Scope, q: { code: string; page?: number; limit?: number; query?: string }) {
  const ns = await namespaceForRead(scope.db, scope.poolId, q.code, 'code');
  const { offset, limit } = checkPaging(q.page, q.limit);
  const { rows, total } = await roleStore.list(scope.db, scope.poolId, ns.id, q.query || undefined, offset, limit);
  return {
    totalCount: total,
    list: rows.map((r) => ({ code: r.code, name: r.name, description: r.description ?? '', namespace: r.namespace_code, updatedAt: r.updated_at })),
  };
}

type NamespaceUpdate = { code: string; newCode?: string; name?: string; description?: string };

/** update-permission-namespace: the namespace as it now is, without update-namespace's `newCode`. */
export async function updatePermissionNamespace(scope: Scope, input: NamespaceUpdate): Promise<NamespaceView> {
  const { newCode: _renamed, ...view } = await updateNamespace(scope, input);
  return view;
}

/** update-namespace: the namespace as it now is, and `newCode` when it was renamed, as GenAuth answers. */
export async function updateNamespace(scope: Scope, input: NamespaceUpdate): Promise<NamespaceView & { newCode?: string }> {
  checkLookupCode(input.code);
  if (input.newCode) checkCode('namespace', input.newCode, 'newCode');
  if (input.code === DEFAULT_NAMESPACE && input.newCode && input.newCode !== DEFAULT_NAMESPACE) throw builtInError('code');
  if (input.newCode && input.newCode !== input.code) refuseReservedNamespace([input.code, input.newCode], 'code');
  if (input.newCode === DEFAULT_NAMESPACE && input.code !== DEFAULT_NAMESPACE) throw builtInError('newCode');
  return scope.db.transaction().execute(async (trx) => {
    const row = input.code === DEFAULT_NAMESPACE ? await namespaceForWrite(trx, scope.poolId, input.code, 'code') : await store.findByCode(trx, scope.poolId, input.code);
    if (!row) throw namespaceNotFound(input.code, 'code');
    const changes: Partial<NamespaceRow> = { updated_at: nowIso() };
    if (input.newCode) changes.code = input.newCode;
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    try {
      await store.update(trx, scope.poolId, row.id, changes);
    } catch (error) {
      translateDuplicate(error, input.newCode ?? input.code, 'newCode');
    }
    if (changes.code) await store.renameInResources(trx, scope.poolId, row.code, changes.code);
    const view = toView({ ...row, ...changes });
    await enqueueEvent(trx, scope, 'privilege-namespace:updated', { namespaceId: row.id, code: view.code, previousCode: row.code, namespace: view });
    return { ...view, ...(input.newCode ? { newCode: input.newCode } : {}) };
  });
}

/** Deletes namespaces with their roles, resources and every authorization inside them. */
async function removeNamespaces(trx: Tx, scope: Scope, rows: NamespaceRow[]): Promise<void> {
  const poolId = scope.poolId;
  const ids = rows.map((r) => r.id);
  await removeAuthorizationsOfTargets(trx, poolId, 'ROLE', await roleStore.idsInNamespaces(trx, poolId, ids));
  await store.removeResourcesOf(trx, poolId, rows.map((r) => r.code));
  await store.remove(trx, poolId, ids); // roles, then their assignments, cascade
  await enqueueEvents(trx, scope, 'privilege-namespace:deleted', rows.map((r) => ({ namespaceId: r.id, code: r.code })));
}

export async function deleteNamespace(scope: Scope, code: string): Promise<{ success: boolean }> {
  checkLookupCode(code);
  if (code === DEFAULT_NAMESPACE) throw builtInError('code');
  refuseReservedNamespace([code], 'code');
  return scope.db.transaction().execute(async (trx) => {
    const row = await store.findByCode(trx, scope.poolId, code);
    // GenAuth's exact wording; the SDK's specs compare it verbatim.
    if (!row) throw notFound('权限组不存在');
    await removeNamespaces(trx, scope, [row]);
    return { success: true };
  });
}

/** Codes that do not exist are skipped, as GenAuth does; the built-in namespace is refused. */
export async function deleteNamespaces(scope: Scope, codes: string[]): Promise<{ success: boolean }> {
  checkList(codes, 'codeList');
  if (codes.includes(DEFAULT_NAMESPACE)) throw builtInError('codeList');
  refuseReservedNamespace(codes, 'codeList');
  return scope.db.transaction().execute(async (trx) => {
    await removeNamespaces(trx, scope, await store.findByCodes(trx, scope.poolId, codes));
    return { success: true };
  });
}
