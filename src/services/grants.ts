import * as store from '../store/authorizations.js';
import * as accessRules from '../store/application-access.js';
import type { TargetType } from '../store/authorizations.js';
import type { ResourceRow } from '../store/resources.js';
import type { Tx } from '../store/database.js';
import { nowIso, parseJson, toJson } from '../store/values.js';

/**
 * The upkeep of grants when what they point at changes: a subject is deleted, a resource loses
 * actions. It sits below the namespaces, resources and authorization services, which all call
 * it, so none of them has to import another to keep grants consistent.
 */

const WILDCARD = '*';

/**
 * Removes every grant and application access rule held by the given subjects, in the caller's
 * transaction, when a role, group or department is deleted. Answers the removed grants.
 */
export async function removeAuthorizationsOfTargets(trx: Tx, poolId: string, targetType: TargetType, targetIds: string[]) {
  // Application access rules name the same subjects (a department is an ORG there).
  await accessRules.deleteRulesOfTargets(trx, poolId, targetType === 'DEPARTMENT' ? 'ORG' : targetType, targetIds);
  const removed = await store.deleteByTargets(trx, poolId, targetType, targetIds);
  return removed.map((g) => ({
    namespace: g.namespace,
    resourceCode: g.resource_code,
    resourceType: g.resource_type,
    targetType: g.target_type,
    targetId: g.target_id,
    actions: parseJson<string[]>(g.actions, []),
    effect: g.effect,
  }));
}

/** After a resource changes: its grants follow its type and lose actions it no longer defines. */
export async function fitGrantsToResource(trx: Tx, poolId: string, row: ResourceRow): Promise<void> {
  const defined = parseJson<Array<{ name: string }>>(row.actions, []).map((a) => a.name);
  const emptied: string[] = [];
  for (const grant of await store.grantsOfResource(trx, poolId, row.id)) {
    const actions = parseJson<string[]>(grant.actions, []);
    const kept = defined.length ? actions.filter((a) => a === WILDCARD || defined.includes(a)) : actions;
    if (kept.length === 0) emptied.push(grant.id);
    else await store.updateGrant(trx, poolId, grant.id, { actions: toJson(kept), resource_type: row.type, updated_at: nowIso() });
  }
  await store.deleteGrantIds(trx, poolId, emptied);
}
