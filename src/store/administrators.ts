import type { Db, Tx } from './database.js';
import type { ApplicationRow } from './applications.js';
import type { NamespaceRow } from './namespaces.js';
import type { RoleRow } from './roles.js';
import type { UserRow } from './users.js';

type Conn = Db | Tx;

/** The reserved namespace and role that make a user an administrator of their pool. */
export const ADMIN_NAMESPACE = 'userpool';
export const ADMIN_ROLE = 'admin';
/** The console's application: its identifier in every pool and the template that marks it built in. */
export const CONSOLE_IDENTIFIER = 'userpool-console';

/** Inserts the namespace and role unless they exist (two processes starting at once both succeed). */
export async function ensureAdminRole(trx: Tx, namespace: NamespaceRow, role: Omit<RoleRow, 'namespace_id'>): Promise<RoleRow> {
  await trx.insertInto('namespaces').values(namespace).onConflict((oc) => oc.columns(['pool_id', 'code']).doNothing()).execute();
  const ns = await trx.selectFrom('namespaces').select('id').where('pool_id', '=', namespace.pool_id).where('code', '=', ADMIN_NAMESPACE).executeTakeFirstOrThrow();
  await trx.insertInto('roles').values({ ...role, namespace_id: ns.id }).onConflict((oc) => oc.columns(['namespace_id', 'code']).doNothing()).execute();
  return trx.selectFrom('roles').selectAll().where('pool_id', '=', namespace.pool_id).where('namespace_id', '=', ns.id).where('code', '=', ADMIN_ROLE).executeTakeFirstOrThrow();
}

export async function findAdminRole(db: Conn, poolId: string): Promise<RoleRow | undefined> {
  return db.selectFrom('roles').innerJoin('namespaces', 'namespaces.id', 'roles.namespace_id').selectAll('roles')
    .where('roles.pool_id', '=', poolId).where('namespaces.code', '=', ADMIN_NAMESPACE).where('roles.code', '=', ADMIN_ROLE).executeTakeFirst();
}

/** The pool's console application, found by its reserved identifier. */
export async function findConsoleApplication(db: Conn, poolId: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('pool_id', '=', poolId).where('app_identifier', '=', CONSOLE_IDENTIFIER).executeTakeFirst();
}

export async function insertConsoleApplication(trx: Tx, row: ApplicationRow): Promise<void> {
  await trx.insertInto('applications').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function setConsoleRedirects(trx: Tx, poolId: string, appId: string, redirectUris: string, logoutRedirectUris: string, at: string): Promise<void> {
  await trx.updateTable('applications').set({ redirect_uris: redirectUris, logout_redirect_uris: logoutRedirectUris, updated_at: at })
    .where('pool_id', '=', poolId).where('id', '=', appId).execute();
}

/**
 * Whether the user holds the admin role directly (USER assignments only: being in a department
 * that holds a role does not make anyone an administrator), the role is enabled and the
 * assignment has not ended. Read at every request, so a revoked role stops working at once.
 */
export async function holdsAdminRole(db: Conn, poolId: string, userId: string, nowMs: number): Promise<boolean> {
  const row = await db.selectFrom('role_assignments')
    .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
    .innerJoin('namespaces', 'namespaces.id', 'roles.namespace_id')
    .select('role_assignments.role_id')
    .where('role_assignments.pool_id', '=', poolId)
    .where('role_assignments.target_type', '=', 'USER')
    .where('role_assignments.user_id', '=', userId)
    .where('namespaces.code', '=', ADMIN_NAMESPACE)
    .where('roles.code', '=', ADMIN_ROLE)
    .where('roles.status', '=', 'ENABLE')
    .where((eb) => eb.or([eb('role_assignments.end_time', 'is', null), eb('role_assignments.end_time', '>', nowMs)]))
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

/** Users holding the admin role directly, oldest assignment first. */
export async function listAdminUsers(db: Conn, poolId: string): Promise<Array<UserRow & { granted_at: string }>> {
  return db.selectFrom('role_assignments')
    .innerJoin('roles', 'roles.id', 'role_assignments.role_id')
    .innerJoin('namespaces', 'namespaces.id', 'roles.namespace_id')
    .innerJoin('users', 'users.id', 'role_assignments.user_id')
    .selectAll('users')
    .select('role_assignments.created_at as granted_at')
    .where('role_assignments.pool_id', '=', poolId)
    .where('role_assignments.target_type', '=', 'USER')
    .where('namespaces.code', '=', ADMIN_NAMESPACE)
    .where('roles.code', '=', ADMIN_ROLE)
    .orderBy('role_assignments.created_at')
    .orderBy('users.id')
    .execute();
}

export async function listPoolIds(db: Conn): Promise<Array<{ id: string; name: string }>> {
  return db.selectFrom('user_pools').select(['id', 'name']).orderBy('created_at').execute();
}
