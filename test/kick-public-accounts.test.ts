import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn, uniq } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';

const t = useTestServer();

async function publicAccount() {
  const answer = await t.management.createPublicAccount({ username: `shared_${uniq()}`, password: 'Correct-horse-1' } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data as { userId: string; username: string };
}

const loggedIn = async (userId: string) =>
  (ok(await t.management.getUserLoggedinApps({ userId }), 'get-user-loggedin-apps') as Array<{ appId: string }>).map((a) => a.appId).sort();

describe('kick-public-accounts', () => {
  it("ends a public account's sessions in the given applications only, and announces it", async () => {
    const [a, b] = [await createApp(t), await createApp(t)];
    const account = await publicAccount();
    expect((await signIn(authClient(t, a), account.username)).statusCode).toBe(200);
    expect((await signIn(authClient(t, b), account.username)).statusCode).toBe(200);
    expect(await loggedIn(account.userId)).toEqual([a.appId, b.appId].sort());

    const answer = await t.management.kickPublicAccounts({ userId: account.userId, appIds: [a.appId] });
    expect(answer.statusCode).toBe(200);
    expect(await loggedIn(account.userId)).toEqual([b.appId]);
    const events = await t.server.deps.db.selectFrom('event_outbox').select(['type', 'payload']).where('request_id', '=', answer.requestId!).execute();
    expect(events.map((e) => e.type)).toEqual(['kick']);
    expect(JSON.parse(String(events[0].payload))).toMatchObject({ userId: account.userId, accountType: 'public_account', appIds: [a.appId] });
  });

  it('refuses a personal account, an unknown application and another pool, ending nothing', async () => {
    const app = await createApp(t);
    const person = await createUser(t);
    const account = await publicAccount();
    expect((await signIn(authClient(t, app), person.username)).statusCode).toBe(200);
    expect((await signIn(authClient(t, app), account.username)).statusCode).toBe(200);

    const personal = await t.management.kickPublicAccounts({ userId: person.userId, appIds: [app.appId] });
    expect(personal.statusCode).toBe(404);
    expect(personal.message).toContain('not a public account');
    expect(await loggedIn(person.userId)).toEqual([app.appId]);

    const unknownApp = await t.management.kickPublicAccounts({ userId: account.userId, appIds: [app.appId, 'f'.repeat(24)] });
    expect(unknownApp.statusCode).toBe(404);
    expect(unknownApp.message).toContain('appIds');
    const other = (await t.newPool()).management;
    expect((await other.kickPublicAccounts({ userId: account.userId, appIds: [app.appId] })).statusCode).toBe(404);
    expect(await loggedIn(account.userId)).toEqual([app.appId]);

    const control = await t.management.kickUsers({ userId: person.userId, appIds: [app.appId] } as never);
    expect(control.statusCode).toBe(200);
    expect(await loggedIn(person.userId)).toEqual([]);
  });

  it('finds the public account by another identifier type', async () => {
    const app = await createApp(t);
    const account = await publicAccount();
    expect((await signIn(authClient(t, app), account.username)).statusCode).toBe(200);
    const answer = await t.management.kickPublicAccounts({ userId: account.username, appIds: [app.appId], options: { userIdType: 'username' as never } });
    expect(answer.statusCode).toBe(200);
    expect(await loggedIn(account.userId)).toEqual([]);
  });
});
