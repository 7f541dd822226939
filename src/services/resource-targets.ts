import * as store from '../store/authorizations.js';
import * as resources from '../store/resources.js';
import { notFound } from '../errors.js';
import { invalidParam } from '../messages/index.js';
import type { Scope } from './context.js';
import { namespaceForRead } from './namespaces.js';
import { grantsAllow, grantsReachingUser } from './authorization.js';

const WILDCARD = '*';

/**
 * list-resource-targets: for each resource and action, the users allowed to do it, by the very
 * rule is-action-allowed applies (own and inherited grants; a matching DENY wins). The users any
 * ALLOW could reach are gathered first, then each is evaluated as is-action-allowed would; a user
 * appears under every pair they are allowed, in the order of their ids.
 */
export async function listResourceTargets(scope: Scope, input: { resources: string[]; actions: string[]; namespaceCode: string }) {
  if (input.resources.length === 0) throw invalidParam('resources', 'give at least one resource code');
  if (input.actions.length === 0) throw invalidParam('actions', 'give at least one action');
  const ns = await namespaceForRead(scope.db, scope.poolId, input.namespaceCode, 'namespaceCode');
  const codes = [...new Set(input.resources)];
  const known = new Set((await resources.findByCodes(scope.db, scope.poolId, ns.code, codes)).map((r) => r.code));
  const missing = codes.filter((c) => c !== WILDCARD && !known.has(c));
  if (missing.length) throw notFound(`resources: no resource ${missing.map((c) => `"${c}"`).join(', ')} in namespace "${ns.code}"`);
  const actions = [...new Set(input.actions)];

  const allows = (await store.grantsOnResources(scope.db, scope.poolId, ns.code, [...codes, WILDCARD])).filter((g) => g.effect === 'ALLOW');
  const idsOf = (type: store.TargetType) => [...new Set(allows.filter((g) => g.target_type === type).map((g) => g.target_id))];
  const candidates = (await store.usersReachedBy(scope.db, scope.poolId, { users: idsOf('USER'), groups: idsOf('GROUP'), departments: idsOf('DEPARTMENT'), roles: idsOf('ROLE') })).sort();

  const allowed = new Map<string, string[]>();
  for (const userId of candidates) {
    const { grants } = await grantsReachingUser(scope.db, scope.poolId, userId, ns.code);
    for (const resource of codes) {
      for (const action of actions) {
        if (!grantsAllow(grants, resource, action)) continue;
        const key = `${resource}\u0000${action}`;
        allowed.set(key, [...(allowed.get(key) ?? []), userId]);
      }
    }
  }
  return {
    authUserList: codes.map((resource) => ({
      resource,
      actionAuthList: actions.map((action) => ({ action, userIds: allowed.get(`${resource}\u0000${action}`) ?? [] })),
    })),
  };
}
