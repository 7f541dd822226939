import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { authClient, createApp, signIn, uniq } from './helpers/apps.js';

const t = useTestServer();

async function user(fields: Record<string, unknown> = {}) {
  const answer = await t.management.createUser({ username: `u_${uniq()}`, ...fields } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data;
}

const nameOf = async (userId: string) => (await t.management.getUser({ userId })).data.name;

describe('update-user-batch', () => {
  it('updates every user in one request, announcing user:updated for each', async () => {
    const [a, b] = [await user(), await user()];
    const email = `b_${uniq()}@example.com`;
    const answer = await t.management.updateUserBatch({ list: [{ userId: a.userId, name: 'Ada' }, { userId: b.userId, name: 'Bob', email }] });
    expect(answer.statusCode).toBe(200);
    expect(answer.data.map((u) => [u.userId, u.name])).toEqual([[a.userId, 'Ada'], [b.userId, 'Bob']]);
    expect((await t.management.getUser({ userId: b.userId })).data.email).toBe(email);
    const events = await t.server.deps.db.selectFrom('event_outbox').select('type').where('request_id', '=', answer.requestId!).execute();
    expect(events.map((e) => e.type)).toEqual(['user:updated', 'user:updated']);
  });

  it('sets passwords under the options for every user, and the new password signs in', async () => {
    const app = await createApp(t);
    const a = await user({ password: 'Old-password-1' });
    const answer = await t.management.updateUserBatch({ list: [{ userId: a.userId, password: 'New-password-2' }], options: { resetPasswordOnNextLogin: false } });
    expect(answer.statusCode).toBe(200);
    expect((await signIn(authClient(t, app), a.username!, 'New-password-2')).statusCode).toBe(200);
  });

  it('changes nobody when one item is refused, naming the item', async () => {
    const [a, b, holder] = [await user(), await user(), await user({ email: `taken_${uniq()}@example.com` })];
    const taken = await t.management.updateUserBatch({ list: [{ userId: a.userId, name: 'Changed' }, { userId: b.userId, email: holder.email! }] });
    expect(taken.statusCode).toBe(409);
    expect(taken.message).toContain('list[1].');
    expect(await nameOf(a.userId)).toBeUndefined();

    const unknown = await t.management.updateUserBatch({ list: [{ userId: a.userId, name: 'Changed' }, { userId: 'f'.repeat(24), name: 'Ghost' }] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.message).toContain('list[1].userId');
    expect((await t.zh.updateUserBatch({ list: [{ userId: 'f'.repeat(24), name: 'Ghost' }] })).message).toBe('用户不存在');

    const twice = await t.management.updateUserBatch({ list: [{ userId: a.userId, name: 'One' }, { userId: a.userId, name: 'Two' }] });
    expect(twice.statusCode).toBe(400);
    expect(twice.message).toContain('list[1].userId');

    await t.management.resignUser({ userId: b.userId });
    const resigned = await t.management.updateUserBatch({ list: [{ userId: a.userId, name: 'Changed' }, { userId: b.userId, status: 'Activated' as never }] });
    expect(resigned.statusCode).toBe(400);
    expect(resigned.message).toContain('status');
    expect(await nameOf(a.userId)).toBeUndefined();

    const empty = await t.management.updateUserBatch({ list: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.message).toContain('list');

    const control = await t.management.updateUserBatch({ list: [{ userId: a.userId, name: 'Changed' }] });
    expect(control.statusCode).toBe(200);
    expect(await nameOf(a.userId)).toBe('Changed');
  });

  it("never reaches another pool's users", async () => {
    const a = await user();
    const other = (await t.newPool()).management;
    const answer = await other.updateUserBatch({ list: [{ userId: a.userId, name: 'Intruder' }] });
    expect(answer.statusCode).toBe(404);
    expect(await nameOf(a.userId)).toBeUndefined();
  });
});
