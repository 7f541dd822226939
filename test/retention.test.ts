import { beforeAll, describe, expect, it, vi } from 'vitest';
import { pruneExpired } from '../src/services/retention.js';
import { startTestServer, useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, httpStatusOf, signIn } from './helpers/apps.js';
import { runCli } from './helpers/cli.js';
import { ok } from './helpers/fixtures.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

const t = useTestServer({ PRUNE_INTERVAL_SECONDS: '0' });
let app: { appId: string; secret: string };
beforeAll(async () => {
  app = await createApp(t);
});

const db = () => t.server.deps.db;

async function session() {
  const user = await createUser(t);
  const client = authClient(t, app);
  const tokens = (await signIn(client, user.username)).data as { access_token: string; refresh_token: string };
  const row = await db().selectFrom('oidc_sessions').select('id').where('user_id', '=', user.userId).executeTakeFirstOrThrow();
  return { user, client, tokens, sessionId: row.id };
}
const sessionExists = async (id: string) => (await db().selectFrom('oidc_sessions').select('id').where('id', '=', id).execute()).length === 1;
const tokensOf = async (sessionId: string) => (await db().selectFrom('refresh_tokens').select('id').where('session_id', '=', sessionId).execute()).length;

describe('pruning', () => {
  it('removes sessions no token can be alive for, and keeps every token that can still be used', async () => {
    const live = await session();
    const refreshed = await live.client.getNewAccessTokenByRefreshToken(live.tokens.refresh_token);

    const expired = await session();
    await db().updateTable('oidc_sessions').set({ created_at: ago(40) }).where('id', '=', expired.sessionId).execute();
    await db().updateTable('refresh_tokens').set({ created_at: ago(40), expires_at: ago(2) }).where('session_id', '=', expired.sessionId).execute();

    const revokedLongAgo = await session();
    await db().updateTable('oidc_sessions').set({ revoked_at: ago(2), revoked_reason: 'kicked' }).where('id', '=', revokedLongAgo.sessionId).execute();
    const revokedNow = await session();
    await db().updateTable('oidc_sessions').set({ revoked_at: ago(0), revoked_reason: 'kicked' }).where('id', '=', revokedNow.sessionId).execute();

    // Begun long ago but refreshed ten days ago: the access token from that refresh may still live.
    const oldButRefreshed = await session();
    await db().updateTable('oidc_sessions').set({ created_at: ago(40) }).where('id', '=', oldButRefreshed.sessionId).execute();
    await db().updateTable('refresh_tokens').set({ created_at: ago(10) }).where('session_id', '=', oldButRefreshed.sessionId).execute();

    const pruned = await pruneExpired(t.server.deps);
    expect(pruned.sessions).toBeGreaterThanOrEqual(2);
    expect(await sessionExists(expired.sessionId)).toBe(false);
    expect(await tokensOf(expired.sessionId)).toBe(0);
    expect(await sessionExists(revokedLongAgo.sessionId)).toBe(false);
    expect(await sessionExists(revokedNow.sessionId)).toBe(true);
    expect(await sessionExists(oldButRefreshed.sessionId)).toBe(true);
    expect(await sessionExists(live.sessionId)).toBe(true);
    expect(await tokensOf(live.sessionId)).toBe(2);

    // The used refresh token was kept: replaying it still ends the session.
    expect((await live.client.introspectToken(refreshed.access_token)).active).toBe(true);
    expect(await httpStatusOf(live.client.getNewAccessTokenByRefreshToken(live.tokens.refresh_token))).toBe(400);
    expect((await live.client.introspectToken(refreshed.access_token)).active).toBe(false);
  });

  it('removes refresh tokens a day past expiry', async () => {
    const s = await session();
    await db().updateTable('refresh_tokens').set({ expires_at: ago(2) }).where('session_id', '=', s.sessionId).execute();
    expect((await pruneExpired(t.server.deps)).refreshTokens).toBeGreaterThanOrEqual(1);
    expect(await tokensOf(s.sessionId)).toBe(0);
    // The session itself began just now, so its access token may still be in use.
    expect(await sessionExists(s.sessionId)).toBe(true);
    expect((await s.client.introspectToken(s.tokens.access_token)).active).toBe(true);
  });

  it('removes login history older than LOGIN_HISTORY_DAYS, and none when it is 0', async () => {
    const s = await session();
    const rows = () => db().selectFrom('login_history').select(['id', 'created_at']).where('user_id', '=', s.user.userId).execute();
    const [recent] = await rows();
    await db().insertInto('login_history').values({ ...(await db().selectFrom('login_history').selectAll().where('id', '=', recent.id).executeTakeFirstOrThrow()), id: 'old000000000000000000001', created_at: ago(200) }).execute();
    expect(await rows()).toHaveLength(2);

    await pruneExpired({ ...t.server.deps, policy: { ...t.server.deps.policy, loginHistoryDays: 0 } });
    expect(await rows()).toHaveLength(2);
    await pruneExpired(t.server.deps);
    expect((await rows()).map((r) => r.id)).toEqual([recent.id]);
  });

  it('forgets wrong-password counts after a quiet day, but never while an account is locked', async () => {
    const [quiet, locked] = [await createUser(t), await createUser(t)];
    const client = authClient(t, app);
    for (const user of [quiet, locked]) expect((await signIn(client, user.username, 'wrong-password')).statusCode).not.toBe(200);
    await db().updateTable('signin_failures').set({ updated_at: ago(2) }).where('user_id', 'in', [quiet.userId, locked.userId]).execute();
    await db().updateTable('signin_failures').set({ locked_until: new Date(Date.now() + DAY).toISOString() }).where('user_id', '=', locked.userId).execute();
    await pruneExpired(t.server.deps);
    const left = await db().selectFrom('signin_failures').select('user_id').where('user_id', 'in', [quiet.userId, locked.userId]).execute();
    expect(left.map((r) => r.user_id)).toEqual([locked.userId]);
  });

  it('runs from the CLI and prints what it removed', async () => {
    const s = await session();
    await db().updateTable('oidc_sessions').set({ revoked_at: ago(3) }).where('id', '=', s.sessionId).execute();
    const result = await runCli(['prune'], { DATABASE_URL: t.database.url, USERPOOL_MASTER_KEY: t.server.deps.masterKey.toString('base64') });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^refreshTokens \d+, sessions [1-9]\d*, loginHistory \d+, signinFailures \d+, deliveries \d+, events \d+(, [A-Za-z]+ \d+)*$/);
    expect(await sessionExists(s.sessionId)).toBe(false);
  });
});

describe('a server with PRUNE_INTERVAL_SECONDS', () => {
  it('prunes by itself', async () => {
    const server = await startTestServer({ PRUNE_INTERVAL_SECONDS: '1' });
    try {
      const user = ok<{ userId: string }>(await server.management.createUser({ username: `u_${Date.now()}` } as never), 'create-user');
      await server.server.deps.db.insertInto('login_history').values({
        id: 'old000000000000000000002', pool_id: 'x', user_id: user.userId, app_id: 'x', client_ip: '127.0.0.1', user_agent: null,
        success: 1, failure_reason: null, created_at: ago(400),
      }).execute();
      // Polled, not timed: the first run comes within one interval of start, then every second.
      await vi.waitFor(async () => {
        const left = await server.server.deps.db.selectFrom('login_history').select('id').where('user_id', '=', user.userId).execute();
        expect(left).toHaveLength(0);
      }, { timeout: 30_000, interval: 200 });
    } finally {
      await server.close();
    }
  });
});
