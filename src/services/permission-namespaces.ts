import * as store from '../store/namespaces.js';
import * as roleStore from '../store/roles.js';
import { namespaceErrors } from '../messages/namespaces.js';
import type { Scope } from './context.js';
import { checkPaging, getNamespace, namespaceForRead, updateNamespace } from './namespaces.js';

/**
 * The newer "permission namespace" endpoints of the SDK. They name the same namespaces as the
 * older `*-namespace` ones (one table, one set of rules); only their shapes differ, and those
 * differences live here.
 */

/** Whether a code and a name are free for a new namespace: `isValid` false says why not. */
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

export async function listNamespaceRoles(scope: Scope, q: { code: string; page?: number; limit?: number; query?: string }) {
  const ns = await namespaceForRead(scope.db, scope.poolId, q.code, 'code');
  const { offset, limit } = checkPaging(q.page, q.limit);
  const { rows, total } = await roleStore.list(scope.db, scope.poolId, ns.id, q.query || undefined, offset, limit);
  return {
    totalCount: total,
    list: rows.map((r) => ({ code: r.code, name: r.name, description: r.description ?? '', namespace: r.namespace_code, updatedAt: r.updated_at })),
  };
}

/** get-permission-namespace answers 404 for an unknown code, as the older get-namespace does. */
export const getPermissionNamespace = getNamespace;

/** update-permission-namespace answers the namespace as it now is, without update-namespace's `newCode`. */
export async function updatePermissionNamespace(scope: Scope, input: Parameters<typeof updateNamespace>[1]) {
  const { newCode: _renamed, ...view } = await updateNamespace(scope, input);
  return view;
}
