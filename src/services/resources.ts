import type { Scope } from './context.js';
import { enqueueEvents, enqueueEvent } from './outbox.js';
import * as store from '../store/resources.js';
import type { ResourceRow } from '../store/resources.js';
import { namespaceForWrite } from './namespaces.js';
import { fitGrantsToResource } from './grants.js';
import { isUniqueViolation, type Db, type Tx } from '../store/database.js';
import { newId } from '../lib/ids.js';
import { nowIso, opt, parseJson, toJson } from '../store/values.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { ResourceInputType, UpdateResourceInput } from '../schemas/resources.js';

export const DEFAULT_NAMESPACE = 'default';
/** `*` is the grant wildcard and `:` may later separate instance ids, so neither is part of a code. */
const MAX_CODE = 64;
const CODE_PATTERN = /^[A-Za-z0-9_\-./]{1,64}$/;

export interface ResourceView {
  id: string;
  code: string;
  type: 'DATA' | 'API' | 'MENU' | 'BUTTON' | 'UI';
  name?: string;
  description?: string;
  actions: Array<{ name: string; description: string }>;
  apiIdentifier?: string;
  namespace: string;
  linkedToTenant: boolean;
}

export function toResourceView(row: ResourceRow): ResourceView {
  return {
    id: row.id,
    code: row.code,
    type: row.type as ResourceView['type'],
    name: opt(row.name),
    description: opt(row.description),
    actions: parseJson<ResourceView['actions']>(row.actions, []),
    apiIdentifier: opt(row.api_identifier),
    namespace: row.namespace,
    linkedToTenant: false,
  };
}

/**
 * GenAuth's wordings, which name the field and which the SDK's specs compare verbatim: a single
 * create answers an over-long code with the generic format error, a batch names the code.
 */
export function checkCode(code: string, batch = true): void {
  if (!batch && code.length > MAX_CODE) throw codeFormatError();
  if (!CODE_PATTERN.test(code)) throw badRequest(`invalid resource code: ${code}`);
}

export const codeFormatError = () => badRequest('参数 code 格式错误');

function normaliseActions(actions: ResourceInputType['actions'], field: string): string {
  const list = (actions ?? []).map((a) => ({ name: a.name, description: a.description ?? '' }));
  const seen = new Set<string>();
  for (const a of list) {
    if (a.name === '*') throw badRequest(`${field}: "*" is reserved for "every action" in grants`);
    if (seen.has(a.name)) throw badRequest(`${field}: action "${a.name}" is listed twice`);
    seen.add(a.name);
  }
  return toJson(list);
}

/** The namespace a write goes to must exist; `default` is made on first use (the namespaces service owns that rule). */
export async function requireNamespace(trx: Tx, poolId: string, code: string | undefined, field = 'namespace'): Promise<string> {
  return (await namespaceForWrite(trx, poolId, code, field)).code;
}

/** GenAuth's exact wording for a lookup by code; the SDK's specs compare it verbatim. */
async function requireResource(db: Db | Tx, poolId: string, namespace: string, code: string): Promise<ResourceRow> {
  const [row] = await store.findByCodes(db, poolId, namespace, [code]);
  if (!row) throw notFound('资源不存在');
  return row;
}

/** Creates resources all or nothing; a code taken in the namespace (or twice in the list) is a 409. */
export async function createResources(scope: Scope, inputs: ResourceInputType[], namespaceCode: string | undefined, batch: boolean): Promise<ResourceView[]> {
  const where = (i: number) => (batch ? `list[${i}].` : '');
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    checkCode(input.code, batch);
    const first = seen.get(input.code);
    if (first !== undefined) throw badRequest(`${where(i)}code: "${input.code}" is also at list[${first}]`);
    seen.set(input.code, i);
  });
  const now = nowIso();
  return scope.db.transaction().execute(async (trx) => {
    const namespace = await requireNamespace(trx, scope.poolId, namespaceCode);
    const taken = await store.findByCodes(trx, scope.poolId, namespace, inputs.map((i) => i.code));
    if (taken.length) {
      const i = inputs.findIndex((input) => input.code === taken[0].code);
      throw conflict(`${where(i)}code: a resource "${taken[0].code}" already exists in namespace "${namespace}"`);
    }
    const rows: ResourceRow[] = inputs.map((input, i) => ({
      id: newId(),
      pool_id: scope.poolId,
      namespace,
      code: input.code,
      name: input.name ?? null,
      description: input.description ?? null,
      type: input.type,
      actions: normaliseActions(input.actions, `${where(i)}actions`),
      api_identifier: input.apiIdentifier ?? null,
      created_at: now,
      updated_at: now,
    }));
    try {
      await store.insertResources(trx, rows);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`code: a resource with one of these codes was created meanwhile in namespace "${namespace}"`);
      throw error;
    }
    const views = rows.map(toResourceView);
    await enqueueEvents(trx, scope, 'resource:created', views.map((resource, i) => ({ resourceId: rows[i].id, namespace, code: rows[i].code, resource })));
    return views;
  });
}

export async function getResource(scope: Scope, code: string, namespace = DEFAULT_NAMESPACE): Promise<ResourceView> {
  return toResourceView(await requireResource(scope.db, scope.poolId, namespace, code));
}

/** Resources of the given codes in request order; unknown codes are left out. */
export async function getResources(scope: Scope, codeList: string | string[] | undefined, namespace = DEFAULT_NAMESPACE): Promise<ResourceView[]> {
  const codes = [...new Set((Array.isArray(codeList) ? codeList : (codeList ?? '').split(',')).map((c) => c.trim()).filter(Boolean))];
  if (codes.length === 0 || codes.length > 50) throw badRequest('参数 codeList 格式错误');
  const byCode = new Map((await store.findByCodes(scope.db, scope.poolId, namespace, codes)).map((r) => [r.code, r]));
  return codes.filter((c) => byCode.has(c)).map((c) => toResourceView(byCode.get(c)!));
}

export async function listResources(scope: Scope, q: { namespace?: string; type?: string; page?: number; limit?: number }) {
  const page = q.page ?? 1;
  const limit = q.limit ?? 10;
  const { rows, total } = await store.listResources(scope.db, scope.poolId, {
    namespace: q.namespace ?? DEFAULT_NAMESPACE,
    type: q.type,
    offset: (page - 1) * limit,
    limit,
  });
  return { list: rows.map(toResourceView), totalCount: total };
}

/** Updates the resource found by namespace and code; removing an action also takes it out of every grant. */
export async function updateResource(scope: Scope, input: UpdateResourceInput): Promise<ResourceView> {
  return scope.db.transaction().execute(async (trx) => {
    const namespace = input.namespace ?? DEFAULT_NAMESPACE;
    const row = await requireResource(trx, scope.poolId, namespace, input.code);
    const changes: Partial<ResourceRow> = { updated_at: nowIso() };
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.type !== undefined) changes.type = input.type;
    if (input.apiIdentifier !== undefined) changes.api_identifier = input.apiIdentifier;
    if (input.actions !== undefined) changes.actions = normaliseActions(input.actions, 'actions');
    await store.updateResource(trx, scope.poolId, row.id, changes);
    if (changes.actions !== undefined || changes.type !== undefined) {
      await fitGrantsToResource(trx, scope.poolId, { ...row, ...changes });
    }
    const resource = toResourceView({ ...row, ...changes });
    await enqueueEvent(trx, scope, 'resource:updated', { resourceId: row.id, namespace, code: row.code, resource });
    return resource;
  });
}

/** Deleting what is not there succeeds (the cloud does the same), so a retry is safe. */
export async function deleteResource(scope: Scope, code: string, namespace?: string): Promise<{ success: boolean }> {
  if (code.length > MAX_CODE) throw codeFormatError();
  return deleteResources(scope, { namespace, codeList: [code] });
}

export async function deleteResources(scope: Scope, q: { namespace?: string; codeList?: string[]; ids?: string[] }): Promise<{ success: boolean }> {
  const namespace = q.namespace ?? DEFAULT_NAMESPACE;
  if (!q.codeList?.length && !q.ids?.length) throw badRequest('codeList: give codeList or ids');
  await scope.db.transaction().execute(async (trx) => {
    const byCode = await store.findByCodes(trx, scope.poolId, namespace, q.codeList ?? []);
    const byId = await store.findByIds(trx, scope.poolId, q.ids ?? []);
    const found = [...new Map([...byCode, ...byId].map((r) => [r.id, r])).values()];
    await store.deleteResources(trx, scope.poolId, found.map((r) => r.id));
    // GenAuth's name for this one is resource:delete (not :deleted).
    await enqueueEvents(trx, scope, 'resource:delete', found.map((r) => ({ resourceId: r.id, namespace: r.namespace, code: r.code })));
  });
  return { success: true };
}
