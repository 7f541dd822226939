import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { attachUser, buildDirectory, ok, relationsOf, uniq, type Directory } from './helpers/fixtures.js';
import { authClient, createApp, signIn } from './helpers/apps.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const t = useTestServer({ SCHEDULE_POLL_MS: '200' });
let dir: Directory;
let app: { appId: string; secret: string };
beforeAll(async () => {
  dir = await buildDirectory(t.management);
  app = await createApp(t);
});
const ALL = {
  userSide: { departments: 3, roles: 3, groups: 3, posts: 2, resources: 10, publicAccounts: 1, applications: 1 },
  memberSide: { departments: 3, roles: 3, groups: 3, resources: 10, publicAccounts: 1 },
};

/** A person with every relation of the directory and, when asked, a live session. */
async function employee(withSession = false) {
  const s = uniq();
  const user = ok<{ userId: string; email: string; username: string }>(
    await t.management.createUser({ username: `emp_${s}`, email: `emp_${s}@corp.example`, password: 'Correct-horse-1' } as never), 'create-user');
  await attachUser(t.management, dir, user.userId);
  let accessToken: string | undefined;
  if (withSession) {
    const signedIn = (await signIn(authClient(t, app), user.username)) as { data: { access_token: string } };
    accessToken = signedIn.data.access_token;
  }
  return { ...user, accessToken };
}

const call = (url: string, data: Record<string, unknown>) => t.management.makeRequest({ method: 'POST', url, data }) as Promise<{ statusCode: number; apiCode?: number; message?: string; requestId: string; data: any }>;
const introspect = async (token: string) => (await authClient(t, app).introspectToken(token)) as { active: boolean };

const counts = (removed: any) => ({
  departments: removed.departments.length, roles: removed.roles.length, groups: removed.groups.length, posts: removed.posts.length,
  authorizations: removed.authorizations.length, publicAccounts: removed.publicAccounts.length, applicationAccess: removed.applicationAccess.length,
});
const EVERYTHING = { departments: 3, roles: 3, groups: 3, posts: 2, authorizations: 10, publicAccounts: 1, applicationAccess: 1 };

describe('preview-resignation', () => {
  it('answers what would be removed and ended, and which ids match nobody, changing nothing', async () => {
    const person = await employee(true);
    const preview = await call('/api/v3/preview-resignation', { userIds: [person.email, 'nobody@corp.example'], userIdType: 'email' });
    expect(preview.statusCode).toBe(200);
    expect(preview.data.unresolved).toEqual(['nobody@corp.example']);
    expect(preview.data.list).toHaveLength(1);
    const item = preview.data.list[0];
    expect(item).toMatchObject({ id: person.email, userId: person.userId, status: 'Activated', alreadyResigned: false });
    expect(counts(item.removed)).toEqual(EVERYTHING);
    expect(item.sessionsEnded).toHaveLength(1);
    expect(item.sessionsEnded[0].appId).toBe(app.appId);
    expect(item.eventsQueued.map((e: any) => e.type)).toEqual(['user:resigned']);

    // Nothing changed: relations, status, the session, the audit log.
    expect(await relationsOf(t.management, dir, person.userId)).toEqual(ALL);
    expect(ok<any>(await t.management.getUser({ userId: person.userId }), 'get-user').status).toBe('Activated');
    expect(await introspect(person.accessToken!)).toMatchObject({ active: true });
    const logs = await call('/api/v3/get-admin-audit-logs', { targetId: person.userId, operationType: 'resign' });
    expect(logs.data.list).toHaveLength(0);

    // The real run removes exactly what the preview announced.
    const real = await t.management.resignUserBatch({ userIds: [person.email], userIdType: 'email' } as never);
    expect(real.statusCode).toBe(200);
    const receipts = await call('/api/v3/get-resignation-receipts', { requestId: real.requestId });
    expect(receipts.data.list[0].removed).toEqual(item.removed);
    expect(await introspect(person.accessToken!)).toMatchObject({ active: false });
  });

  it('says a resigned person would change nothing; refuses an unknown userIdType next to a known one', async () => {
    const person = await employee();
    ok(await t.management.resignUser({ userId: person.userId }), 'resign-user');
    const again = await call('/api/v3/preview-resignation', { userIds: [person.userId] });
    expect(again.data.list[0]).toMatchObject({ alreadyResigned: true, removed: null, sessionsEnded: [], eventsQueued: [] });
    const bad = await call('/api/v3/preview-resignation', { userIds: [person.userId], userIdType: 'nickname' });
    expect(bad).toMatchObject({ statusCode: 400 });
    expect(bad.message).toContain('userIdType');
    const control = await call('/api/v3/preview-resignation', { userIds: [person.username], userIdType: 'username' });
    expect(control.statusCode).toBe(200);
    const empty = await call('/api/v3/preview-resignation', { userIds: [] });
    expect(empty.statusCode).toBe(400);
  });
});

describe('get-resignation-receipts', () => {
  it('gives one receipt per person of a batch, by request id or by user ids, as JSON and CSV', async () => {
    const a = await employee(true);
    const b = await employee();
    const batch = await t.management.resignUserBatch({ userIds: [a.userId, b.userId] });
    expect(batch.statusCode).toBe(200);
    const byRequest = await call('/api/v3/get-resignation-receipts', { requestId: batch.requestId, format: 'csv' });
    expect(byRequest.statusCode).toBe(200);
    expect(byRequest.data.list.map((r: any) => r.userId).sort()).toEqual([a.userId, b.userId].sort());
    const receiptA = byRequest.data.list.find((r: any) => r.userId === a.userId);
    expect(receiptA).toMatchObject({ action: 'resign-user-batch', actorType: 'access_key', actor: t.keyId, requestId: batch.requestId });
    expect(counts(receiptA.removed)).toEqual(EVERYTHING);
    expect(receiptA.sessionsEnded).toHaveLength(1);
    expect(receiptA.eventsQueued).toHaveLength(1);
    const lines = byRequest.data.csv.trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['receiptId', 'userId', 'requestId']);
    expect(lines).toHaveLength(3);
    expect(lines.find((l: string) => l.includes(a.userId))).toContain(`,${dir.departmentIds.slice().sort().join(' ')},`);

    const byUser = await call('/api/v3/get-resignation-receipts', { userIds: [b.userId] });
    expect(byUser.data.list).toHaveLength(1);
    expect(byUser.data.csv).toBeUndefined();
    expect(byUser.data.list[0].receiptId).toBe(byRequest.data.list.find((r: any) => r.userId === b.userId).receiptId);
  });

  it('refuses a request naming neither user ids nor a request id, next to one that names them', async () => {
    const refused = await call('/api/v3/get-resignation-receipts', {});
    expect(refused).toMatchObject({ statusCode: 400 });
    expect(refused.message).toContain('userIds');
    const control = await call('/api/v3/get-resignation-receipts', { userIds: ['000000000000000000000000'] });
    expect(control).toMatchObject({ statusCode: 200, data: { list: [], totalCount: 0 } });
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('scheduled resignations', () => {
  it('are performed at their time, audited and receipted; a cancelled one is not', async () => {
    const leaving = await employee(true);
    const staying = await employee();
    const resignAt = new Date(Date.now() + 1500).toISOString();
    const scheduled = await call('/api/v3/schedule-resignation', { userIds: [leaving.username, staying.username], userIdType: 'username', resignAt });
    expect(scheduled.statusCode).toBe(200);
    const [first, second] = scheduled.data.list;
    expect(first).toMatchObject({ userId: leaving.userId, status: 'pending', resignAt, scheduledBy: { actorType: 'access_key', actor: t.keyId } });
    const cancelled = await call('/api/v3/cancel-scheduled-resignation', { scheduleIds: [second.scheduleId] });
    expect(cancelled.data.list[0].status).toBe('cancelled');

    const done = await waitFor(async () => {
      const listed = await call('/api/v3/list-scheduled-resignations', { userIds: [leaving.userId] });
      return listed.data.list[0].status === 'done' ? listed.data.list[0] : undefined;
    }, 'the scheduled resignation');
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(resignAt));
    expect(ok<any>(await t.management.getUser({ userId: leaving.userId }), 'get-user').status).toBe('Resigned');
    expect(await introspect(leaving.accessToken!)).toMatchObject({ active: false });
    const receipts = await call('/api/v3/get-resignation-receipts', { requestId: done.performedRequestId });
    expect(receipts.data.list).toHaveLength(1);
    expect(receipts.data.list[0]).toMatchObject({ userId: leaving.userId, action: 'resign-user-scheduled', actor: t.keyId, actorType: 'access_key', scheduleId: first.scheduleId });
    expect(counts(receipts.data.list[0].removed)).toEqual(EVERYTHING);
    expect(receipts.data.list[0].sessionsEnded).toHaveLength(1);

    // The cancelled one stays cancelled and its person keeps everything.
    expect(ok<any>(await t.management.getUser({ userId: staying.userId }), 'get-user').status).toBe('Activated');
    expect(await relationsOf(t.management, dir, staying.userId)).toEqual(ALL);
    const late = await call('/api/v3/cancel-scheduled-resignation', { scheduleIds: [first.scheduleId] });
    expect(late).toMatchObject({ statusCode: 409 });
  });

  it('refuses a time in the past, an unknown id, a resigned person and a second schedule, writing nothing', async () => {
    const person = await employee();
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const past = await call('/api/v3/schedule-resignation', { userIds: [person.userId], resignAt: '2020-01-01T00:00:00Z' });
    expect(past).toMatchObject({ statusCode: 400 });
    expect(past.message).toContain('resignAt');
    const unknown = await call('/api/v3/schedule-resignation', { userIds: [person.userId, '000000000000000000000000'], resignAt: soon });
    expect(unknown).toMatchObject({ statusCode: 404 });
    expect((await call('/api/v3/list-scheduled-resignations', { userIds: [person.userId] })).data.totalCount).toBe(0);
    const control = await call('/api/v3/schedule-resignation', { userIds: [person.userId], resignAt: soon });
    expect(control.statusCode).toBe(200);
    const twice = await call('/api/v3/schedule-resignation', { userIds: [person.userId], resignAt: soon });
    expect(twice).toMatchObject({ statusCode: 409 });
    const gone = await employee();
    ok(await t.management.resignUser({ userId: gone.userId }), 'resign-user');
    const resigned = await call('/api/v3/schedule-resignation', { userIds: [gone.userId], resignAt: soon });
    expect(resigned).toMatchObject({ statusCode: 400, apiCode: 4607 });
  });

  it('is superseded by an earlier resignation, which the preview announces', async () => {
    const person = await employee();
    const scheduled = await call('/api/v3/schedule-resignation', { userIds: [person.userId], resignAt: new Date(Date.now() + 3_600_000).toISOString() });
    const preview = await call('/api/v3/preview-resignation', { userIds: [person.userId] });
    expect(preview.data.list[0].schedulesSuperseded).toEqual([{ scheduleId: scheduled.data.list[0].scheduleId, resignAt: scheduled.data.list[0].resignAt }]);
    expect((await call('/api/v3/list-scheduled-resignations', { userIds: [person.userId] })).data.list[0].status).toBe('pending');
    ok(await t.management.resignUser({ userId: person.userId }), 'resign-user');
    expect((await call('/api/v3/list-scheduled-resignations', { userIds: [person.userId] })).data.list[0].status).toBe('superseded');
  });
});
