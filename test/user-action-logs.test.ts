import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';

const t = useTestServer();

type Log = { userId: string; eventType: string; success: boolean; appId: string; appName: string; eventDetail?: string; userDisplayName: string; requestId: string };
const logs = async (body: Record<string, unknown>) => {
  const answer = await t.management.getUserActionLogs(body as never);
  expect(answer.statusCode).toBe(200);
  return answer.data as unknown as { list: Log[]; totalCount: number };
};

describe('get-user-action-logs', () => {
  it("lists a user's sign-ins, refused ones included, and their own profile changes, newest first", async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    const client = authClient(t, app);
    expect((await signIn(client, user.username, 'wrong-password-9')).statusCode).not.toBe(200);
    const tokens = ok<{ access_token: string }>(await signIn(client, user.username), 'signin');
    client.setAccessToken(tokens.access_token);
    expect((await client.updateProfile({ nickname: 'Nick' } as never)).statusCode).toBe(200);

    const all = await logs({ userId: user.userId });
    expect(all.totalCount).toBe(3);
    expect(all.list.map((l) => [l.eventType, l.success])).toEqual([['updateUserProfile', true], ['login', true], ['login', false]]);
    expect(all.list[1]).toMatchObject({ appId: app.appId, userDisplayName: 'Nick' });
    expect(all.list[0].requestId).not.toBe('');

    expect((await logs({ userId: user.userId, success: false })).list.map((l) => l.eventType)).toEqual(['login']);
    expect((await logs({ userId: user.userId, eventType: 'updateUserProfile' })).totalCount).toBe(1);
    expect((await logs({ userId: user.userId, eventType: 'logout' })).totalCount).toBe(0);
    expect((await logs({ userId: user.userId, start: Date.now() + 60_000 })).totalCount).toBe(0);
    const paged = await logs({ userId: user.userId, pagination: { page: 2, limit: 2 } });
    expect(paged.list.map((l) => l.success)).toEqual([false]);
  });

  it('refuses an unknown user, an unknown event type and a bad page; another pool sees none of it', async () => {
    const app = await createApp(t);
    const user = await createUser(t);
    ok(await signIn(authClient(t, app), user.username), 'signin');
    const unknown = await t.management.getUserActionLogs({ userId: 'f'.repeat(24) });
    expect(unknown.statusCode).toBe(404);
    const type = await t.management.getUserActionLogs({ eventType: 'dance' } as never);
    expect(type.statusCode).toBe(400);
    expect(type.message).toContain('eventType');
    const limit = await t.management.getUserActionLogs({ pagination: { page: 1, limit: 500 } });
    expect(limit.statusCode).toBe(400);
    expect(limit.message).toContain('pagination.limit');

    const other = (await t.newPool()).management;
    expect((await other.getUserActionLogs({ userId: user.userId })).statusCode).toBe(404);
    const theirs = await other.getUserActionLogs({});
    expect((theirs.data as unknown as { totalCount: number }).totalCount).toBe(0);
    expect((await logs({ userId: user.userId })).totalCount).toBe(1);
  });
});
