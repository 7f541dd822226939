import type { Scope } from './context.js';
import * as store from '../store/authorizations.js';
import type { AuthorizationRow, Subject, TargetType } from '../store/authorizations.js';
import * as resources from '../store/resources.js';
import type { ResourceRow } from '../store/resources.js';
import type { Db, Tx } from '../store/database.js';
import { newId } from '../lib/ids.js';
import { nowIso, parseJson, toJson } from '../store/values.js';
import { ApiCode, badRequest, notFound } from '../errors.js';
import { resolveUser, resolveUsers, resolveUsersForNewRelation } from './user-resolver.js';
import { DEFAULT_NAMESPACE, requireNamespace } from './resources.js';
import { namespaceForRead } from './namespaces.js';
import type { AuthorizeResourcesInput, AuthorizedResourceView } from '../schemas/resources.js';
import { enqueueEvent } from './outbox.js';

const WILDCARD = '*';
const LABEL: Record<TargetType, string> = { USER: 'user', ROLE: 'role', GROUP: 'group', DEPARTMENT: 'department' };

/** Finds the subjects named by the API identifiers (user id, role code, group code, department id); all or nothing. */
export async function resolveTargets(trx: Tx, scope: Scope, type: TargetType, identifiers: string[], namespace: string, field: string): Promise<Subject[]> {
  const unique = [...new Set(identifiers)];
  if (type === 'USER') {
    // A grant is a new relation: resigned users are refused and the rows stay locked until commit.
    const users = await resolveUsersForNewRelation(trx, scope, unique, 'user_id', field);
    return users.map((u) => ({ id: u.id, identifier: u.id }));
  }
  const found =
    type === 'ROLE'
      ? await store.rolesByCodes(trx, scope.poolId, namespace, unique)
      : type === 'GROUP'
        ? await store.groupsByCodes(trx, scope.poolId, unique)
        : await store.subjectsByIds(trx, scope.poolId, 'DEPARTMENT', unique);
  const known = new Set(found.map((s) => s.identifier));
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length) {
    const where = type === 'ROLE' ? `namespace "${namespace}"` : 'this user pool';
    throw notFound(`${field}: no ${LABEL[type]} ${missing.map((m) => `"${m}"`).join(', ')} in ${where}`);
  }
  return found;
}

/** Checks one granted resource: `*` or a resource of the namespace, with actions it defines. */
function checkGrant(grant: AuthorizeResourcesInput['list'][number]['resources'][number], row: ResourceRow | undefined, namespace: string, field: string) {
  if (grant.code !== WILDCARD && !row) throw notFound(`${field}.code: no resource "${grant.code}" in namespace "${namespace}"`);
  if (row && grant.resourceType && grant.resourceType !== row.type) {
    throw badRequest(`${field}.resourceType: resource "${row.code}" is of type ${row.type}, not ${grant.resourceType}`);
  }
  const defined = row ? parseJson<Array<{ name: string }>>(row.actions, []).map((a) => a.name) : [];
  if (defined.length) {
    const unknown = grant.actions.filter((a) => a !== WILDCARD && !defined.includes(a));
    if (unknown.length) throw badRequest(`${field}.actions: resource "${row!.code}" defines no action ${unknown.map((a) => `"${a}"`).join(', ')} (it has ${defined.join(', ')})`);
  }
}

/**
 * Grants resources to users, roles, groups and departments. Granting the same resource to the
 * same target again replaces its actions; an empty action list takes the grant away.
 */
export async function authorizeResources(scope: Scope, input: AuthorizeResourcesInput): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const namespace = await requireNamespace(trx, scope.poolId, input.namespace);
    const now = nowIso();
    const codes = input.list.flatMap((item) => item.resources.map((r) => r.code)).filter((c) => c !== WILDCARD);
    const byCode = new Map((await resources.findByCodes(trx, scope.poolId, namespace, [...new Set(codes)])).map((r) => [r.code, r]));
    const upserts: AuthorizationRow[] = [];
    // The API's name for each target (user id, role or group code, department id), for the events.
    const identifierOf = new Map<string, string>();
    const removals: Parameters<typeof store.deleteGrants>[2] = [];
    for (const [i, item] of input.list.entries()) {
      const targets = await resolveTargets(trx, scope, item.targetType, item.targetIdentifiers, namespace, `list[${i}].targetIdentifiers`);
      for (const target of targets) identifierOf.set(`${item.targetType}:${target.id}`, target.identifier);
      for (const [j, grant] of item.resources.entries()) {
        const row = byCode.get(grant.code);
        checkGrant(grant, row, namespace, `list[${i}].resources[${j}]`);
        const effect = grant.effect ?? 'ALLOW';
        const actions = [...new Set(grant.actions)];
        for (const target of targets) {
          const key = { namespace, resourceCode: grant.code, targetType: item.targetType, targetId: target.id, effect };
          if (actions.length === 0) {
            removals.push(key);
            continue;
          }
          upserts.push({
            id: newId(),
            pool_id: scope.poolId,
            namespace,
            resource_id: row?.id ?? null,
            resource_code: grant.code,
            resource_type: row?.type ?? grant.resourceType ?? 'DATA',
            target_type: item.targetType,
            target_id: target.id,
            user_id: item.targetType === 'USER' ? target.id : null,
            actions: toJson(actions),
            effect,
            created_at: now,
            updated_at: now,
          });
        }
      }
    }
    const revoked = await store.deleteGrants(trx, scope.poolId, removals);
    await store.upsertGrants(trx, upserts);
    const grant = (r: AuthorizationRow) => ({
      targetType: r.target_type, targetIdentifier: identifierOf.get(`${r.target_type}:${r.target_id}`) ?? r.target_id,
      resourceCode: r.resource_code, resourceType: r.resource_type, actions: parseJson<string[]>(r.actions, []), effect: r.effect,
    });
    if (upserts.length) await enqueueEvent(trx, scope, 'permission:add', { namespace, authorizations: upserts.map(grant) });
    if (revoked.length) await enqueueEvent(trx, scope, 'permission:revoke', { namespace, authorizations: revoked.map(grant) });
  });
  return { success: true };
}

type Source = NonNullable<AuthorizedResourceView['source']>;

/**
 * Every subject through which a grant or an access rule reaches a user: the departments the
 * user is in, the departments above them (each mapped to the user's department it was reached
 * from), the groups, and the roles held directly or through any of those departments (only
 * enabled roles inside their time windows).
 */
export async function membershipsOf(db: Db | Tx, poolId: string, userId: string) {
  const ownDepartments = await store.departmentIdsOfUser(db, poolId, userId);
  const ancestors = await store.ancestorsOf(db, poolId, ownDepartments);
  const departmentIds = [...ownDepartments, ...ancestors.keys()];
  const [groupIds, roleLinks] = await Promise.all([
    store.groupIdsOfUser(db, poolId, userId),
    store.roleAssignmentsOfUser(db, poolId, userId, departmentIds, Date.now()),
  ]);
  return { ownDepartments, ancestors, departmentIds, groupIds, roleLinks };
}
export type Memberships = Awaited<ReturnType<typeof membershipsOf>>;

/**
 * Every grant that reaches a user, each with the subject it came through: the user, a role
 * (held directly or through a department), a group, or a department the user is in or one
 * above it (a grant on a parent department covers everyone below it).
 */
export async function grantsReachingUser(db: Db | Tx, poolId: string, userId: string, namespace: string, resourceType?: string) {
  const { ancestors, departmentIds, groupIds, roleLinks } = await membershipsOf(db, poolId, userId);
  // A role held both directly and through a department is reported as held directly.
  const viaOfRole = new Map<string, string | undefined>();
  for (const link of roleLinks) {
    if (!viaOfRole.has(link.roleId) || !link.viaDepartmentId) viaOfRole.set(link.roleId, link.viaDepartmentId);
  }
  const grants = await store.grantsOfTargets(
    db,
    poolId,
    namespace,
    [
      { type: 'USER', ids: [userId] },
      { type: 'ROLE', ids: [...viaOfRole.keys()] },
      { type: 'GROUP', ids: groupIds },
      { type: 'DEPARTMENT', ids: departmentIds },
    ],
    resourceType,
  );
  const identifiers = await identifiersOf(db, poolId, grants);
  const sourceOf = (g: AuthorizationRow): Source => {
    const source: Source = { targetType: g.target_type, targetIdentifier: identifiers.get(`${g.target_type}:${g.target_id}`) ?? g.target_id };
    const via = g.target_type === 'ROLE' ? viaOfRole.get(g.target_id) : g.target_type === 'DEPARTMENT' ? ancestors.get(g.target_id) : undefined;
    return via ? { ...source, viaDepartmentId: via } : source;
  };
  return { grants, sourceOf };
}

/** Maps grant targets back to the identifiers the API speaks (role and group codes). */
async function identifiersOf(db: Db | Tx, poolId: string, grants: AuthorizationRow[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const type of ['ROLE', 'GROUP'] as const) {
    const ids = [...new Set(grants.filter((g) => g.target_type === type).map((g) => g.target_id))];
    for (const s of await store.subjectsByIds(db, poolId, type, ids)) result.set(`${type}:${s.id}`, s.identifier);
  }
  return result;
}

async function toAuthorizedViews(db: Db | Tx, poolId: string, grants: AuthorizationRow[], sourceOf?: (g: AuthorizationRow) => Source): Promise<AuthorizedResourceView[]> {
  const rows = new Map((await resources.findByIds(db, poolId, [...new Set(grants.map((g) => g.resource_id).filter((id) => id !== null))])).map((r) => [r.id, r]));
  return grants.map((g) => {
    const row = g.resource_id ? rows.get(g.resource_id) : undefined;
    const view: AuthorizedResourceView = {
      resourceCode: g.resource_code,
      resourceType: g.resource_type as AuthorizedResourceView['resourceType'],
      apiIdentifier: row?.api_identifier ?? '',
      actions: parseJson<string[]>(g.actions, []),
      effect: g.effect,
    };
    if (row?.description) view.description = row.description;
    if (sourceOf) view.source = sourceOf(g);
    return view;
  });
}

export async function getUserAuthorizedResources(scope: Scope, q: { userId: string; userIdType?: string; namespace?: string; resourceType?: string }) {
  const user = (await resolveUsers(scope.db, scope.poolId, [q.userId], q.userIdType)).get(q.userId);
  // GenAuth's wording, which the SDK's specs compare verbatim; apiCode 2004 as everywhere else.
  if (!user) throw notFound('用户不存在', ApiCode.USER_NOT_FOUND);
  const { grants, sourceOf } = await grantsReachingUser(scope.db, scope.poolId, user.id, q.namespace ?? DEFAULT_NAMESPACE, q.resourceType);
  const list = await toAuthorizedViews(scope.db, scope.poolId, grants, sourceOf);
  return { list, totalCount: list.length };
}

/** A grant matches when it names the resource (or `*`) and the action (or `*`); any DENY wins over every ALLOW. */
export async function isActionAllowed(scope: Scope, q: { userId: string; userIdType?: string; action: string; resource: string; namespace?: string }): Promise<{ allowed: boolean }> {
  const user = await resolveUser(scope.db, scope.poolId, q.userId, q.userIdType);
  const { grants } = await grantsReachingUser(scope.db, scope.poolId, user.id, q.namespace ?? DEFAULT_NAMESPACE);
  return { allowed: grantsAllow(grants, q.resource, q.action) };
}

/** The rule of is-action-allowed over the grants reaching a user: a matching DENY wins, then a matching ALLOW. */
export function grantsAllow(grants: AuthorizationRow[], resource: string, action: string): boolean {
  const matching = grants.filter((g) => {
    if (g.resource_code !== WILDCARD && g.resource_code !== resource) return false;
    const actions = parseJson<string[]>(g.actions, []);
    return actions.includes(WILDCARD) || actions.includes(action);
  });
  if (matching.some((g) => g.effect === 'DENY')) return false;
  return matching.some((g) => g.effect === 'ALLOW');
}

/**
 * Resolves a target for reading. The not-found wordings are GenAuth's, which the SDK's specs
 * compare verbatim and which already say what was not found.
 */
const TARGET_NOT_FOUND: Record<TargetType, (identifier: string) => string> = {
  USER: (id) => `user not exists with id: ${id}`,
  ROLE: (code) => `role not exists with code: ${code}`,
  GROUP: (code) => `group not exists with code: ${code}`,
  DEPARTMENT: (id) => `department not exists with id: ${id}`,
};

export async function requireTarget(db: Db | Tx, poolId: string, type: TargetType, identifier: string, namespace: string, message?: string): Promise<Subject> {
  const found =
    type === 'USER'
      ? await store.subjectsByIds(db, poolId, 'USER', [identifier])
      : type === 'ROLE'
        ? await store.rolesByCodes(db, poolId, namespace, [identifier])
        : type === 'GROUP'
          ? await store.groupsByCodes(db, poolId, [identifier])
          : await store.subjectsByIds(db, poolId, 'DEPARTMENT', [identifier]);
  if (!found[0]) throw notFound(message ?? TARGET_NOT_FOUND[type](identifier));
  return found[0];
}

/** A subject's own grants (no inheritance): get-authorized-resources and the role/group reads. */
export async function getTargetAuthorizedResources(
  scope: Scope,
  q: { targetType: TargetType; targetIdentifier: string; namespace?: string; resourceType?: string; resourceList?: string | string[]; withDenied?: boolean },
  notFoundMessage?: string,
) {
  const namespace = q.namespace ?? DEFAULT_NAMESPACE;
  // An unknown namespace is named as such, before the target is looked up inside it.
  await namespaceForRead(scope.db, scope.poolId, namespace);
  const target = await requireTarget(scope.db, scope.poolId, q.targetType, q.targetIdentifier, namespace, notFoundMessage);
  let grants = await store.grantsOfTargets(scope.db, scope.poolId, namespace, [{ type: q.targetType, ids: [target.id] }], q.resourceType);
  if (!q.withDenied) grants = grants.filter((g) => g.effect === 'ALLOW');
  const prefixes = q.resourceList === undefined ? [] : (Array.isArray(q.resourceList) ? q.resourceList : q.resourceList.split(',')).filter(Boolean);
  if (prefixes.length) {
    // `books:*` and `books:` both mean "codes starting with books:".
    const stems = prefixes.map((p) => (p.endsWith('*') ? p.slice(0, -1) : p));
    grants = grants.filter((g) => stems.some((s) => g.resource_code === s || (s !== '' && g.resource_code.startsWith(s))));
  }
  const list = await toAuthorizedViews(scope.db, scope.poolId, grants);
  return { list, totalCount: list.length };
}

/** The resource's side: who holds a grant on it (directly), a page at a time. */
export async function getResourceAuthorizedTargets(scope: Scope, q: { resource: string; namespace?: string; targetType?: TargetType; page?: number; limit?: number }) {
  const namespace = q.namespace ?? DEFAULT_NAMESPACE;
  if (q.resource !== WILDCARD) {
    const [row] = await resources.findByCodes(scope.db, scope.poolId, namespace, [q.resource]);
    if (!row) throw notFound(`resource: no resource "${q.resource}" in namespace "${namespace}"`);
  }
  const page = q.page ?? 1;
  const limit = q.limit ?? 10;
  const { rows, total } = await store.grantsOnResource(scope.db, scope.poolId, namespace, q.resource, { targetType: q.targetType, offset: (page - 1) * limit, limit });
  const identifiers = await identifiersOf(scope.db, scope.poolId, rows);
  const list = rows.map((g) => ({
    targetType: g.target_type,
    targetIdentifier: identifiers.get(`${g.target_type}:${g.target_id}`) ?? g.target_id,
    actions: parseJson<string[]>(g.actions, []),
    effect: g.effect,
  }));
  return { list, totalCount: total };
}
