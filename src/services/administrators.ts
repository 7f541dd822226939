import { randomUUID } from 'node:crypto';
import { newId, ID_PATTERN } from '../lib/ids.js';
import { encryptSecret, randomSecret } from '../lib/secrets.js';
import * as store from '../store/administrators.js';
import { ADMIN_NAMESPACE, ADMIN_ROLE, CONSOLE_IDENTIFIER } from '../store/administrators.js';
import type { ApplicationRow } from '../store/applications.js';
import * as roles from '../store/roles.js';
import * as users from '../store/users.js';
import type { UserRow } from '../store/users.js';
import { DEFAULT_POOL_NAME, findPoolById, findPoolByName } from '../store/pools.js';
import { nowIso, toJson } from '../store/values.js';
import { AppError, ApiCode, notFound } from '../errors.js';
import type { Deps, Scope } from './context.js';
import { authenticateEndUser } from './end-user.js';
import { recordAudit } from './audit.js';
import { enqueueEvent } from './outbox.js';
import { resolveUser, resolveUsersForNewRelation } from './user-resolver.js';
import { CONSOLE_CALLBACK_PATH, CONSOLE_PATH, CONSOLE_SCOPES, DEFAULT_CONSOLE_CLIENT_ID, isConsoleClient } from './console-client.js';

export { ADMIN_NAMESPACE, ADMIN_ROLE, CONSOLE_IDENTIFIER };
export { CONSOLE_SCOPES, DEFAULT_CONSOLE_CLIENT_ID, isConsoleClient } from './console-client.js';

const forbiddenAuth = (message: string, apiCode: number) => new AppError(403, apiCode, message, 403);

function consoleRow(deps: Deps, pool: { id: string; name: string }, redirects: { login: string[]; logout: string[] }, now: string): ApplicationRow {
  return {
    id: pool.name === DEFAULT_POOL_NAME ? DEFAULT_CONSOLE_CLIENT_ID : newId(),
    pool_id: pool.id,
    app_identifier: CONSOLE_IDENTIFIER,
    app_name: 'Userpool console',
    app_logo: '',
    app_description: 'Built in: the administration console of this user pool (code + PKCE, no secret)',
    app_type: 'spa',
    default_protocol: 'oidc',
    template: CONSOLE_IDENTIFIER,
    redirect_uris: toJson(redirects.login),
    logout_redirect_uris: toJson(redirects.logout),
    init_login_uri: '',
    sso_enabled: 0,
    sso_enabled_at: null,
    oidc_config: toJson({ grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }),
    settings: toJson({}),
    // A public client never authenticates with it; kept only because the column is required.
    secret_enc: encryptSecret(deps.masterKey, randomSecret(24)),
    permission_strategy: 'ALLOW_ALL',
    created_at: now,
    updated_at: now,
  };
}

/**
 * Makes sure a pool has the reserved `userpool` namespace with its `admin` role and the built-in
 * `userpool-console` client (idempotent; run at every start and by `admins add`). With
 * PUBLIC_URL the callback is registered there; without it the console's callback is accepted on
 * whatever origin the browser reached the provider at.
 */
export async function ensureConsole(deps: Deps, pool: { id: string; name: string }, publicUrl?: string): Promise<ApplicationRow | undefined> {
  const registered = publicUrl ? { login: [`${publicUrl}${CONSOLE_CALLBACK_PATH}`], logout: [`${publicUrl}${CONSOLE_PATH}`] } : { login: [], logout: [] };
  return deps.db.transaction().execute(async (trx) => {
    const now = nowIso();
    await store.ensureAdminRole(
      trx,
      { id: newId(), pool_id: pool.id, code: ADMIN_NAMESPACE, name: 'Userpool', description: 'Reserved: roles of Userpool itself', created_at: now, updated_at: now },
      { id: newId(), pool_id: pool.id, code: ADMIN_ROLE, name: 'Administrator', description: 'May use the console: every management call, as themselves', status: 'ENABLE', disable_time: null, enable_permission_apply: 0, custom_data: '{}', created_at: now, updated_at: now },
    );
    const existing = await store.findConsoleApplication(trx, pool.id);
    if (existing && !isConsoleClient(existing)) return undefined; // an ordinary application took the identifier before it was reserved
    if (!existing) {
      await store.insertConsoleApplication(trx, consoleRow(deps, pool, registered, now));
      return store.findConsoleApplication(trx, pool.id);
    }
    const login = toJson(registered.login);
    const logout = toJson(registered.logout);
    if (existing.redirect_uris !== login || existing.logout_redirect_uris !== logout) {
      await store.setConsoleRedirects(trx, pool.id, existing.id, login, logout, now);
    }
    return existing;
  });
}

/** ensureConsole for every pool, at start-up. */
export async function ensureConsoles(deps: Deps, publicUrl?: string): Promise<void> {
  for (const pool of await store.listPoolIds(deps.db)) await ensureConsole(deps, pool, publicUrl);
}

/**
 * A management call made with an access token instead of a signature: the token must be a live
 * token of the pool's console client (every check introspection makes, at every call), and its
 * user must hold the admin role right now. The scope names the person as the actor.
 */
export async function authenticateAdmin(deps: Deps, authorization: string, requestId: string): Promise<Scope> {
  const me = await authenticateEndUser(deps, { authorization, requestId });
  const poolId = me.scope.poolId;
  const app = await store.findConsoleApplication(deps.db, poolId);
  if (!app || app.id !== me.appId || !isConsoleClient(app)) {
    throw forbiddenAuth(`authorization: the access token was issued to application "${me.appId}", not to this pool's console (${CONSOLE_IDENTIFIER}); sign the request with an access key, or sign in to the console`, ApiCode.NOT_CONSOLE_TOKEN);
  }
  if (!(await store.holdsAdminRole(deps.db, poolId, me.userId, Date.now()))) {
    throw forbiddenAuth(`authorization: user "${me.userId}" is not an administrator of this user pool (role ${ADMIN_ROLE} in namespace ${ADMIN_NAMESPACE}; \`userpool admins add\` grants it)`, ApiCode.NOT_ADMIN);
  }
  const user = await users.findById(deps.db, poolId, me.userId);
  if (!user) throw forbiddenAuth(`authorization: user "${me.userId}" no longer exists`, ApiCode.NOT_ADMIN);
  return { ...deps, poolId, actor: user.id, actorType: 'admin', actorName: displayName(user), requestId };
}

const displayName = (user: UserRow) => user.name || user.nickname || user.email || user.username || user.phone || user.id;

export interface AdminView {
  userId: string;
  name?: string;
  email?: string;
  username?: string;
  status: string;
  grantedAt?: string;
}

const adminView = (user: UserRow, grantedAt?: string): AdminView => ({
  userId: user.id, name: user.name ?? undefined, email: user.email ?? undefined, username: user.username ?? undefined, status: user.status, grantedAt,
});

/** Who the caller of a management call is: the administrator signed in to the console, or the access key. */
export async function whoami(scope: Scope) {
  const pool = await findPoolById(scope.db, scope.poolId);
  const base = { poolId: scope.poolId, poolName: pool?.name ?? '' };
  if (scope.actorType !== 'admin') return { ...base, actorType: 'access_key' as const, accessKeyId: scope.actor };
  const user = await users.findById(scope.db, scope.poolId, scope.actor);
  return { ...base, actorType: 'admin' as const, user: user ? adminView(user) : { userId: scope.actor, status: 'Unknown' } };
}

// ---- the CLI's `userpool admins` ----

/** A pool named by its id or its name (the default pool when none is given). */
export async function findPool(deps: Deps, ref: string | undefined): Promise<{ id: string; name: string }> {
  const wanted = ref ?? DEFAULT_POOL_NAME;
  const pool = (ID_PATTERN.test(wanted) ? await findPoolById(deps.db, wanted) : undefined) ?? (await findPoolByName(deps.db, wanted));
  if (!pool) throw notFound(`--pool: no user pool "${wanted}"${ref === undefined || wanted === DEFAULT_POOL_NAME ? ' (the first `userpool serve` makes the default pool)' : ''}`, ApiCode.POOL_NOT_FOUND);
  return pool;
}

/** `<userId>` when it looks like one, else an email address, else a username. */
const idTypeOf = (who: string) => (ID_PATTERN.test(who) ? 'user_id' : who.includes('@') ? 'email' : 'username');

function cliScope(deps: Deps, poolId: string): Scope {
  return { ...deps, poolId, actor: 'cli', actorType: 'system', requestId: randomUUID() };
}

/**
 * Grants the admin role to a user (by id, email or username), audited as the CLI. A resigned
 * user is refused, as every new relation is; granting twice changes nothing.
 */
export async function addAdmin(deps: Deps, poolRef: string | undefined, who: string, publicUrl?: string): Promise<AdminView> {
  const pool = await findPool(deps, poolRef);
  await ensureConsole(deps, pool, publicUrl);
  const scope = cliScope(deps, pool.id);
  return deps.db.transaction().execute(async (trx) => {
    const [user] = await resolveUsersForNewRelation(trx, scope, [who], idTypeOf(who), 'user');
    const role = (await store.findAdminRole(trx, pool.id))!;
    await roles.assign(trx, pool.id, [role.id], [{ type: 'USER', id: user.id }], {}, nowIso());
    await recordAudit(trx, scope, { action: 'assign-admin-role', targetType: 'user', targetIds: [user.id], detail: { namespace: ADMIN_NAMESPACE, role: ADMIN_ROLE } });
    await enqueueEvent(trx, scope, 'role:assigned', { roleIds: [role.id], targets: [{ type: 'USER', id: user.id }] });
    return adminView(user);
  });
}

/** Takes the admin role away; the person's console tokens stop working at their next call. */
export async function removeAdmin(deps: Deps, poolRef: string | undefined, who: string): Promise<AdminView> {
  const pool = await findPool(deps, poolRef);
  const scope = cliScope(deps, pool.id);
  return deps.db.transaction().execute(async (trx) => {
    const found = await resolveUser(trx, pool.id, who, idTypeOf(who), 'user');
    const role = await store.findAdminRole(trx, pool.id);
    const holds = role ? await store.holdsAdminRole(trx, pool.id, found.id, Date.now()) : false;
    if (!role || !holds) throw notFound(`user: "${who}" is not an administrator of user pool ${pool.name}`, ApiCode.NOT_ADMIN);
    await roles.revoke(trx, pool.id, [role.id], [{ type: 'USER', id: found.id }]);
    await recordAudit(trx, scope, { action: 'revoke-admin-role', targetType: 'user', targetIds: [found.id], detail: { namespace: ADMIN_NAMESPACE, role: ADMIN_ROLE } });
    await enqueueEvent(trx, scope, 'role:unassigned', { roleIds: [role.id], targets: [{ type: 'USER', id: found.id }] });
    return adminView(found);
  });
}

export async function listAdmins(deps: Deps, poolRef: string | undefined): Promise<{ pool: { id: string; name: string }; admins: AdminView[] }> {
  const pool = await findPool(deps, poolRef);
  const rows = await store.listAdminUsers(deps.db, pool.id);
  return { pool, admins: rows.map((row) => adminView(row, row.granted_at)) };
}

/** What the console needs to start a sign-in, for a pool (the default pool when none is named). */
export async function consoleConfig(deps: Deps, poolRef: string | undefined, issuerFor: (poolId: string) => Promise<string>, publicUrl?: string) {
  const pool = await findPool(deps, poolRef);
  // Each pool is its own provider: its console signs in at its own issuer.
  const issuer = await issuerFor(pool.id);
  const app = await store.findConsoleApplication(deps.db, pool.id);
  if (!app || !isConsoleClient(app)) throw notFound(`pool: user pool "${pool.name}" has no console client yet; restart the server or run \`userpool admins add\``);
  const base = publicUrl ?? new URL(issuer).origin;
  return {
    poolId: pool.id,
    poolName: pool.name,
    clientId: app.id,
    issuer,
    redirectUri: `${base}${CONSOLE_CALLBACK_PATH}`,
    postLogoutRedirectUri: `${base}${CONSOLE_PATH}`,
    scope: CONSOLE_SCOPES,
  };
}
