import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { changesTokenChecks } from '../src/store/commit-watch.js';
import { openDatabase } from '../src/store/database.js';
import { SessionStateCache } from '../src/services/session-state-cache.js';
import { nextRoleChange } from '../src/store/authorizations.js';
import { findPoolByName } from '../src/store/pools.js';
import { useTestServer } from './helpers/server.js';
import { freshDatabase } from './helpers/database.js';
import { authClient, createApp, createUser, signIn, uniq } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';

// A token check that accepted a session is answered from the process's cache the next time; every
// committed write that could change the answer empties the cache before the write is answered.
// Each case here proves the cache answered (its hit counter moved) and that the very next check
// after the write refuses. On PostgreSQL the cache needs Redis, so the server has it on both.

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const t = useTestServer({ REDIS_URL, METRICS: 'on' });
let app: { appId: string; secret: string };
let defaultPool: string;
beforeAll(async () => {
  app = await createApp(t);
  defaultPool = (await findPoolByName(t.server.deps.db, 'default'))!.id;
});

const hits = () => t.server.deps.sessionStates!.hits;

async function signedIn(target = app) {
  const user = await createUser(t, { name: 'Ada' });
  const client = authClient(t, target);
  const answer = await signIn(client, user.username);
  expect(answer.statusCode).toBe(200);
  const tokens = answer.data as { access_token: string; refresh_token: string };
  return { user, client, token: tokens.access_token, refresh: tokens.refresh_token };
}

type Signed = Awaited<ReturnType<typeof signedIn>>;

/** Introspects until an answer comes from the cache: active, with the hit counter moved. */
async function cached(s: Signed) {
  expect((await s.client.introspectToken(s.token)).active).toBe(true);
  const before = hits();
  expect((await s.client.introspectToken(s.token)).active).toBe(true);
  expect(hits()).toBe(before + 1);
  const me = await s.client.getUserInfoByAccessToken(s.token, { method: 'GET', tokenPlace: 'header' });
  expect(me).toMatchObject({ sub: s.user.userId });
  const again = hits();
  expect(await s.client.getUserInfoByAccessToken(s.token, { method: 'GET', tokenPlace: 'header' })).toMatchObject({ sub: s.user.userId });
  expect(hits()).toBe(again + 1);
}

async function refusedAtOnce(s: Signed) {
  expect(await s.client.introspectToken(s.token)).toEqual({ active: false });
  const me = await fetch(`${t.url}/oidc/me`, { headers: { authorization: `Bearer ${s.token}` } });
  expect(me.status).toBe(401);
}

describe('a cached token check', () => {
  it('is refused on the next call after resign-user; control: another user stays active from the cache', async () => {
    const control = await signedIn();
    const s = await signedIn();
    await cached(control);
    await cached(s);
    ok(await t.management.resignUser({ userId: s.user.userId } as never), 'resign-user');
    await refusedAtOnce(s);
    expect((await control.client.introspectToken(control.token)).active).toBe(true);
  });

  it('is refused on the next call after kick-users', async () => {
    const s = await signedIn();
    await cached(s);
    ok(await t.management.kickUsers({ userId: s.user.userId, appIds: [app.appId] }), 'kick-users');
    await refusedAtOnce(s);
  });

  it('is refused on the next call after update-user sets the status to Suspended', async () => {
    const s = await signedIn();
    await cached(s);
    ok(await t.management.updateUser({ userId: s.user.userId, status: 'Suspended' } as never), 'update-user');
    await refusedAtOnce(s);
  });

  it('is refused on the next call after delete-users-batch', async () => {
    const s = await signedIn();
    await cached(s);
    ok(await t.management.deleteUsersBatch({ userIds: [s.user.userId] }), 'delete-users-batch');
    await refusedAtOnce(s);
  });

  it('is refused on the next call after the refresh token is revoked (RFC 7009)', async () => {
    const s = await signedIn();
    await cached(s);
    expect(await s.client.revokeToken(s.refresh)).toBe(true);
    await refusedAtOnce(s);
  });

  it('is refused on the next call after its application access rule is revoked', async () => {
    const own = await createApp(t);
    ok(await t.management.updateApplicationPermissionStrategy({ appId: own.appId, permissionStrategy: 'DENY_ALL' } as never), 'strategy');
    const user = await createUser(t, { name: 'Ada' });
    ok(await t.management.authorizeApplicationAccess({ appId: own.appId, list: [{ targetType: 'USER', targetIdentifier: [user.userId], effect: 'ALLOW' }] } as never), 'authorize');
    const client = authClient(t, own);
    const answer = await signIn(client, user.username);
    expect(answer.statusCode).toBe(200);
    const s = { user, client, token: (answer.data as { access_token: string }).access_token, refresh: '' };
    await cached(s);
    ok(await t.management.revokeApplicationAccess({ appId: own.appId, list: [{ targetType: 'USER', targetIdentifier: [user.userId] }] } as never), 'revoke');
    await refusedAtOnce(s);
  });

  it('is refused on the next call after the user leaves the group an access rule names', async () => {
    const own = await createApp(t);
    ok(await t.management.updateApplicationPermissionStrategy({ appId: own.appId, permissionStrategy: 'DENY_ALL' } as never), 'strategy');
    const group = ok<{ code: string }>(await t.management.createGroup({ code: `g_${uniq()}`, name: 'Group', description: 'd' } as never), 'create-group');
    const user = await createUser(t, { name: 'Ada' });
    ok(await t.management.addGroupMembers({ code: group.code, userIds: [user.userId] }), 'add-group-members');
    ok(await t.management.authorizeApplicationAccess({ appId: own.appId, list: [{ targetType: 'GROUP', targetIdentifier: [group.code], effect: 'ALLOW' }] } as never), 'authorize');
    const client = authClient(t, own);
    const answer = await signIn(client, user.username);
    expect(answer.statusCode).toBe(200);
    const s = { user, client, token: (answer.data as { access_token: string }).access_token, refresh: '' };
    await cached(s);
    ok(await t.management.removeGroupMembers({ code: group.code, userIds: [user.userId] }), 'remove-group-members');
    await refusedAtOnce(s);
  });

  it('is refused on the next call after the role an access rule names is revoked from the user', async () => {
    const own = await createApp(t);
    ok(await t.management.updateApplicationPermissionStrategy({ appId: own.appId, permissionStrategy: 'DENY_ALL' } as never), 'strategy');
    const role = ok<{ code: string }>(await t.management.createRole({ code: `r_${uniq()}` }), 'create-role');
    const user = await createUser(t, { name: 'Ada' });
    ok(await t.management.assignRole({ code: role.code, targets: [{ targetType: 'USER' as never, targetIdentifier: user.userId }] }), 'assign-role');
    ok(await t.management.authorizeApplicationAccess({ appId: own.appId, list: [{ targetType: 'ROLE', targetIdentifier: [role.code], effect: 'ALLOW' }] } as never), 'authorize');
    const client = authClient(t, own);
    const answer = await signIn(client, user.username);
    expect(answer.statusCode).toBe(200);
    const s = { user, client, token: (answer.data as { access_token: string }).access_token, refresh: '' };
    await cached(s);
    ok(await t.management.revokeRole({ code: role.code, targets: [{ targetType: 'USER' as never, targetIdentifier: user.userId }] }), 'revoke-role');
    await refusedAtOnce(s);
  });

  it('is not served past the moment a role assignment ends by itself (an answer that time alone changes)', () => {
    const cache = new SessionStateCache({ ttlMs: 60_000 });
    const lookup = cache.lookup('ended') as { stamp: number };
    cache.remember('ended', lookup.stamp, {}, Date.now() - 1);
    expect('hit' in cache.lookup('ended')).toBe(false);
    const open = cache.lookup('open') as { stamp: number };
    cache.remember('open', open.stamp, {}, Date.now() + 60_000);
    expect('hit' in cache.lookup('open')).toBe(true);
  });

  it('knows when a user’s roles next change by time alone: the earliest start or end ahead', async () => {
    const user = await createUser(t);
    const [ending, starting, open] = [`r_${uniq()}`, `r_${uniq()}`, `r_${uniq()}`];
    for (const code of [ending, starting, open]) ok(await t.management.createRole({ code }), 'create-role');
    const now = Date.now();
    const target = [{ targetType: 'USER' as never, targetIdentifier: user.userId }];
    ok(await t.management.assignRole({ code: open, targets: target }), 'assign-role');
    expect(await nextRoleChange(t.server.deps.db, defaultPool, user.userId, [], now)).toBeUndefined();
    ok(await t.management.assignRole({ code: ending, targets: target, endTime: now + 3_600_000 } as never), 'assign-role');
    ok(await t.management.assignRole({ code: starting, targets: target, enableTime: now + 7_200_000 } as never), 'assign-role');
    expect(await nextRoleChange(t.server.deps.db, defaultPool, user.userId, [], now)).toBe(now + 3_600_000);
  });

  it('is counted on /metrics as userpool_token_check_cache_hits_total', async () => {
    const s = await signedIn();
    await cached(s);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const counted = Number(/^userpool_token_check_cache_hits_total (\d+)/m.exec(text)?.[1]);
    expect(counted).toBeGreaterThanOrEqual(2);
    expect(counted).toBe(hits());
  });

  it('stays served when its user signs in again: a new session changes no other session’s answer', async () => {
    const s = await signedIn();
    await cached(s);
    // Sign-ins write sessions, refresh tokens and login history, none of which changes another session's answer.
    expect((await signIn(authClient(t, app), s.user.username)).statusCode).toBe(200);
    const before = hits();
    expect((await s.client.introspectToken(s.token)).active).toBe(true);
    expect(hits()).toBe(before + 1);
  });
});

describe('which writes empty the cache', () => {
  it('judges writes by the table they change: unknown and relevant tables do, known harmless ones do not', () => {
    // A table nobody listed (one added later, say) invalidates by default.
    expect(changesTokenChecks('insert into "some_new_table" ("id") values ($1)')).toBe(true);
    expect(changesTokenChecks('update "users" set "status" = ? where "id" = ?')).toBe(true);
    expect(changesTokenChecks('delete from "group_members" where "user_id" = $1')).toBe(true);
    expect(changesTokenChecks('update oidc_sessions set revoked_at = $1')).toBe(true);
    expect(changesTokenChecks('with "x" as (delete from "role_assignments" returning *) select * from "x"')).toBe(true);
    expect(changesTokenChecks('insert into "users" ("id") values ($1) on conflict ("id") do update set "status" = $2')).toBe(true);
    expect(changesTokenChecks('insert or replace into "oidc_sessions" ("id") values (?)')).toBe(true);
    expect(changesTokenChecks('alter table "users" add column "x" text')).toBe(true);
    expect(changesTokenChecks('truncate oidc_sessions')).toBe(true);
    // Harmless tables, reads, locks and plain inserts of sessions and users.
    expect(changesTokenChecks('insert into "signature_nonces" ("key_id") values ($1) on conflict do nothing')).toBe(false);
    expect(changesTokenChecks('insert into "login_history" ("id") values (?)')).toBe(false);
    expect(changesTokenChecks('with used as (update refresh_tokens set used_at = $1 where id = $2 returning id) insert into refresh_tokens (id) select $3 from used')).toBe(false);
    expect(changesTokenChecks('insert into "oidc_sessions" ("id", "user_id") values ($1, $2)')).toBe(false);
    expect(changesTokenChecks('insert into "users" ("id") values ($1), ($2)')).toBe(false);
    expect(changesTokenChecks('select "id" from "users" where "id" in ($1) for update')).toBe(false);
    expect(changesTokenChecks('select * from "deliveries" for update skip locked')).toBe(false);
    expect(changesTokenChecks('select "updated_at" from "users"')).toBe(false);
    expect(changesTokenChecks('set local synchronous_commit = off')).toBe(false);
    // A sign-in counts itself on the user's row, in columns no check reads; any other column counts.
    expect(changesTokenChecks('update "users" set "logins_count" = ?, "last_login" = ?, "last_ip" = ? where "pool_id" = ? and "id" = ?')).toBe(false);
    expect(changesTokenChecks('update "users" set "logins_count" = ?, "status" = ? where "id" = ?')).toBe(true);
    expect(changesTokenChecks('update "users" set "logins_count" = "logins_count" + 1 where "id" = ?')).toBe(true);
  });

  it('tells its listeners after the commit, not before; after an autocommitted write at once; never after a rollback or a read', async () => {
    const database = await freshDatabase();
    const handle = openDatabase(database.url);
    try {
      let heard = 0;
      handle.afterCommit(() => {
        heard++;
      });
      await sql`create table probe_rows (id text primary key)`.execute(handle.db);
      expect(heard).toBe(1);
      await sql`insert into probe_rows (id) values ('a')`.execute(handle.db);
      expect(heard).toBe(2);
      await sql`select id from probe_rows`.execute(handle.db);
      expect(heard).toBe(2);
      await handle.db.transaction().execute(async (trx) => {
        await sql`insert into probe_rows (id) values ('b')`.execute(trx);
        await sql`update probe_rows set id = 'c' where id = 'b'`.execute(trx);
        expect(heard).toBe(2);
      });
      expect(heard).toBe(3);
      await expect(
        handle.db.transaction().execute(async (trx) => {
          await sql`delete from probe_rows`.execute(trx);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(heard).toBe(3);
      expect((await sql<{ id: string }>`select id from probe_rows order by id`.execute(handle.db)).rows.map((r) => r.id)).toEqual(['a', 'c']);
    } finally {
      await handle.close();
      await database.drop();
    }
  });
});
