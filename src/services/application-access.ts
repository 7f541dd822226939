import { isConsoleClient } from './console-client.js';
import { holdsAdminRole } from '../store/administrators.js';
import { newId } from '../lib/ids.js';
import * as store from '../store/application-access.js';
import type { AccessRuleRow, AccessTargetType } from '../store/application-access.js';
import * as applications from '../store/applications.js';
import type { ApplicationRow } from '../store/applications.js';
import * as subjects from '../store/authorizations.js';
import type { Db, Tx } from '../store/database.js';
import { fromBool, nowIso } from '../store/values.js';
import type {
  AuthorizeApplicationAccessInput, RevokeApplicationAccessInput, UpdatePermissionStrategyInput, UserAppView,
} from '../schemas/applications.js';
import { findApplicationOrThrow } from './applications.js';
import { membershipsOf, resolveTargets, type Memberships } from './authorization.js';
import type { Scope } from './context.js';
import { DEFAULT_NAMESPACE } from './resources.js';
import { resolveUser } from './user-resolver.js';
import { endSessionsWithoutAccess } from './session-endings.js';

/**
 * Who may sign in to an application. Rules name users, roles, groups and departments (ORG);
 * a DENY that reaches the user wins over any ALLOW, an ALLOW wins over the application's
 * default strategy, and the default decides when no rule reaches the user (ALLOW_ALL: everyone,
 * DENY_ALL: nobody). A role reaches the user directly or through a department; an ORG rule
 * reaches members of the department itself, and of departments below it when inheritByChildren.
 */
function rulesReaching(rules: AccessRuleRow[], userId: string, m: Memberships): AccessRuleRow[] {
  const roleIds = new Set(m.roleLinks.map((l) => l.roleId));
  const groupIds = new Set(m.groupIds);
  const own = new Set(m.ownDepartments);
  return rules.filter((rule) => {
    switch (rule.target_type) {
      case 'USER': return rule.target_id === userId;
      case 'ROLE': return roleIds.has(rule.target_id);
      case 'GROUP': return groupIds.has(rule.target_id);
      case 'ORG': return own.has(rule.target_id) || (rule.inherit_by_children === 1 && m.ancestors.has(rule.target_id));
    }
  });
}

function decide(app: Pick<ApplicationRow, 'permission_strategy'>, reaching: AccessRuleRow[]): { allowed: boolean; authorized: boolean } {
  if (reaching.some((r) => r.effect === 'DENY')) return { allowed: false, authorized: false };
  if (reaching.some((r) => r.effect === 'ALLOW')) return { allowed: true, authorized: true };
  return { allowed: app.permission_strategy === 'ALLOW_ALL', authorized: false };
}

/**
 * Whether the user may sign in to (and refresh tokens of) the application. With no rules, as
 * with most applications, this costs one indexed query, or none when the caller already knows
 * (`hasRules` false); memberships are read only when rules exist.
 */
export async function mayUseApplication(db: Db | Tx, app: Pick<ApplicationRow, 'id' | 'pool_id' | 'permission_strategy'>, userId: string, hasRules?: boolean): Promise<boolean> {
  return (await accessDecision(db, app, userId, hasRules)).allowed;
}

/**
 * mayUseApplication, and until when the answer holds without any write (`until`, epoch ms, absent
 * when only a write can change it): role assignments and roles have enable, end and disable
 * times, so an application with a rule naming a role may let the user in now and not a minute
 * later. Token checks remember an answer no longer than that (session-state-cache.ts).
 */
export async function accessDecision(
  db: Db | Tx, app: Pick<ApplicationRow, 'id' | 'pool_id' | 'permission_strategy'>, userId: string, hasRules?: boolean,
): Promise<{ allowed: boolean; until?: number }> {
  if (hasRules === false) return { allowed: app.permission_strategy === 'ALLOW_ALL' };
  const rules = await store.rulesOf(db, app.pool_id, [app.id]);
  if (rules.length === 0) return { allowed: app.permission_strategy === 'ALLOW_ALL' };
  const now = Date.now();
  const m = await membershipsOf(db, app.pool_id, userId);
  const { allowed } = decide(app, rulesReaching(rules, userId, m));
  if (!rules.some((r) => r.target_type === 'ROLE')) return { allowed };
  const until = await subjects.nextRoleChange(db, app.pool_id, userId, m.departmentIds, now);
  return until === undefined ? { allowed } : { allowed, until };
}

export async function getPermissionStrategy(scope: Scope, appId: string) {
  const app = await findApplicationOrThrow(scope.db, scope.poolId, appId);
  return { permissionStrategy: app.permission_strategy };
}

export async function updatePermissionStrategy(scope: Scope, input: UpdatePermissionStrategyInput): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    await findApplicationOrThrow(trx, scope.poolId, input.appId);
    await applications.updateApplication(trx, scope.poolId, input.appId, { permission_strategy: input.permissionStrategy, updated_at: nowIso() });
    const updated = await findApplicationOrThrow(trx, scope.poolId, input.appId);
    await endSessionsWithoutAccess(trx, scope, scope.poolId, updated.id, 'application access withdrawn', (userId) => mayUseApplication(trx, updated, userId));
  });
  return { success: true };
}

const SUBJECT_TYPE = { USER: 'USER', ROLE: 'ROLE', GROUP: 'GROUP', ORG: 'DEPARTMENT' } as const;

/**
 * Adds ALLOW or DENY rules, all or nothing. Unlike the cloud, which skips subjects it cannot
 * find, an unknown subject fails the request with the identifier named, and a resigned user
 * cannot be given access (resignation is terminal). A subject that already has a rule for the
 * application gets the new effect.
 */
export async function authorizeApplicationAccess(scope: Scope, input: AuthorizeApplicationAccessInput): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const app = await findApplicationOrThrow(trx, scope.poolId, input.appId);
    const now = nowIso();
    const rows: AccessRuleRow[] = [];
    for (const [i, item] of input.list.entries()) {
      const namespace = item.targetType === 'ROLE' ? item.namespaceCode ?? DEFAULT_NAMESPACE : null;
      const targets = await resolveTargets(trx, scope, SUBJECT_TYPE[item.targetType], item.targetIdentifier, namespace ?? DEFAULT_NAMESPACE, `list[${i}].targetIdentifier`);
      for (const target of targets) {
        rows.push({
          id: newId(),
          pool_id: scope.poolId,
          app_id: app.id,
          target_type: item.targetType,
          target_id: target.id,
          user_id: item.targetType === 'USER' ? target.id : null,
          namespace,
          inherit_by_children: fromBool(item.targetType === 'ORG' && item.inheritByChildren === true),
          effect: item.effect,
          created_at: now,
          updated_at: now,
        });
      }
    }
    await store.upsertRules(trx, rows);
    if (rows.some((r) => r.effect === 'DENY')) await endSessionsWithoutAccess(trx, scope, scope.poolId, app.id, 'application access withdrawn', (userId) => mayUseApplication(trx, app, userId));
  });
  return { success: true };
}

async function subjectIds(trx: Tx, poolId: string, type: AccessTargetType, identifiers: string[], namespace: string): Promise<string[]> {
  if (type === 'ROLE') return (await subjects.rolesByCodes(trx, poolId, namespace, identifiers)).map((s) => s.id);
  if (type === 'GROUP') return (await subjects.groupsByCodes(trx, poolId, identifiers)).map((s) => s.id);
  return identifiers;
}

/** Removes rules; subjects without a rule (or unknown) change nothing, as in the cloud. */
export async function revokeApplicationAccess(scope: Scope, input: RevokeApplicationAccessInput): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const app = await findApplicationOrThrow(trx, scope.poolId, input.appId);
    for (const item of input.list) {
      const ids = await subjectIds(trx, scope.poolId, item.targetType, [...new Set(item.targetIdentifier)], item.namespaceCode ?? DEFAULT_NAMESPACE);
      await store.deleteRules(trx, scope.poolId, app.id, item.targetType, ids);
    }
    await endSessionsWithoutAccess(trx, scope, scope.poolId, app.id, 'application access withdrawn', (userId) => mayUseApplication(trx, app, userId));
  });
  return { success: true };
}

function toUserApp(app: ApplicationRow): UserAppView {
  return { appId: app.id, appName: app.app_name, appLogo: app.app_logo, appLoginUrl: app.init_login_uri, appDefaultLoginStrategy: app.permission_strategy };
}

async function decisionsForUser(scope: Scope, userId: string) {
  const apps = await applications.listAllApplications(scope.db, scope.poolId);
  const rules = await store.rulesOf(scope.db, scope.poolId);
  const m = rules.length ? await membershipsOf(scope.db, scope.poolId, userId) : undefined;
  const reaching = m ? rulesReaching(rules, userId, m) : [];
  return apps.map((app) => ({ app, ...decide(app, reaching.filter((r) => r.app_id === app.id)) }));
}

/**
 * The applications the user could sign in to now. Only an Activated user can sign in at all, so
 * a suspended, deactivated, resigned or archived user has none. The built-in console is listed
 * only for administrators: anyone may sign in to it, but only they can use it.
 */
export async function getUserAccessibleApps(scope: Scope, q: { userId: string; userIdType?: string }): Promise<UserAppView[]> {
  const user = await resolveUser(scope.db, scope.poolId, q.userId, q.userIdType);
  if (user.status !== 'Activated') return [];
  const allowed = (await decisionsForUser(scope, user.id)).filter((d) => d.allowed);
  const admin = allowed.some((d) => isConsoleClient(d.app)) && (await holdsAdminRole(scope.db, scope.poolId, user.id, Date.now()));
  return allowed.filter((d) => admin || !isConsoleClient(d.app)).map((d) => toUserApp(d.app));
}

/** The applications an ALLOW rule opens to the user (through the user, a role, group or department), none denying it. */
export async function getUserAuthorizedApps(scope: Scope, q: { userId: string; userIdType?: string }): Promise<UserAppView[]> {
  const user = await resolveUser(scope.db, scope.poolId, q.userId, q.userIdType);
  return (await decisionsForUser(scope, user.id)).filter((d) => d.authorized).map((d) => toUserApp(d.app));
}
