import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers/server.js';
import { uniq } from './helpers/fixtures.js';
import { enqueueEvent } from '../src/services/outbox.js';

const t = useTestServer();

interface Entry {
  adminUserId: string;
  operationType: string;
  resourceType: string;
  success: boolean;
  timestamp: string;
  requestId: string;
  action: string;
  targetType?: string;
  targetIds: string[];
  statusCode: number;
  apiCode?: number;
  message?: string;
  detail?: unknown;
  clientIp?: string;
}

async function logs(filter: Record<string, unknown>, client = t.management) {
  const answer = await client.getAdminAuditLogs(filter as never);
  expect(answer.statusCode).toBe(200);
  return answer.data as unknown as { list: Entry[]; totalCount: number };
}

const outboxOf = (requestId: string) =>
  t.server.deps.db.selectFrom('event_outbox').selectAll().where('request_id', '=', requestId).execute();

describe('admin audit log through the official ManagementClient', () => {
  it('records a successful write: who, what, when, request id and outcome', async () => {
    const before = Date.now();
    const created = await t.management.createUser({ username: `audited_${uniq()}` } as never);
    expect(created.statusCode).toBe(200);

    const { list, totalCount } = await logs({ requestId: created.requestId });
    expect(totalCount).toBe(1);
    const [entry] = list;
    expect(entry).toMatchObject({
      adminUserId: t.keyId,
      action: 'create-user',
      operationType: 'create',
      resourceType: 'user',
      targetType: 'user',
      targetIds: [created.data.userId],
      success: true,
      statusCode: 200,
      requestId: created.requestId,
    });
    expect(entry.clientIp).toBe('127.0.0.1');
    expect(Date.parse(entry.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.stringify(entry)).not.toMatch(/password/i);
  });

  it('records a failed write with its status code, apiCode and message', async () => {
    const failed = await t.management.updateUser({ userId: 'ffffffffffffffffffffffff', name: 'Nobody' } as never);
    expect(failed.statusCode).toBe(404);

    const { list } = await logs({ requestId: failed.requestId });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      action: 'update-user',
      operationType: 'update',
      success: false,
      statusCode: 404,
      apiCode: failed.apiCode,
      message: failed.message,
      targetIds: ['ffffffffffffffffffffffff'],
    });

    const invalid = await t.management.createUser({ username: `v_${uniq()}`, email: 'not-an-email' } as never);
    expect(invalid.statusCode).toBe(400);
    const [validation] = (await logs({ requestId: invalid.requestId })).list;
    expect(validation).toMatchObject({ action: 'create-user', success: false, statusCode: 400, apiCode: invalid.apiCode });
    expect(validation.message).toContain('email');
  });

  it('does not record reads, not even reads sent as POST', async () => {
    const listed = await t.management.listUsers({} as never);
    const got = await t.management.getUser({ userId: 'ffffffffffffffffffffffff' });
    expect((await logs({ requestId: listed.requestId })).totalCount).toBe(0);
    expect((await logs({ requestId: got.requestId })).totalCount).toBe(0);
  });

  it('keeps the entry a service records in its transaction, with its detail, and does not record the request twice', async () => {
    const desk = (await t.management.createPublicAccount({ username: `desk_${uniq()}` } as never)).data;
    const ann = (await t.management.createUser({ username: `ann_${uniq()}` } as never)).data;
    await t.management.bindUsersPublicAccount({ publicAccountId: desk.userId, userIds: [ann.userId] });

    const deleted = await t.management.deletePublicAccountsBatch({ userIds: [desk.userId] });
    expect(deleted.statusCode).toBe(200);
    const { list } = await logs({ requestId: deleted.requestId });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      action: 'delete-public-accounts-batch',
      operationType: 'delete',
      targetType: 'public_account',
      targetIds: [desk.userId],
      success: true,
      clientIp: '127.0.0.1',
      detail: { bindingsRemoved: [{ publicAccountId: desk.userId, userId: ann.userId }] },
    });
  });

  it('filters by action, operation type, target user, success and time range, and pages newest first', async () => {
    const start = Date.now();
    const user = (await t.management.createUser({ username: `f_${uniq()}` } as never)).data;
    const names = ['One', 'Two', 'Three'];
    const requestIds: string[] = [];
    for (const name of names) requestIds.push((await t.management.updateUser({ userId: user.userId, name } as never)).requestId!);
    const failed = await t.management.updateUser({ userId: user.userId, username: '' } as never);
    expect(failed.statusCode).toBe(400);
    const end = Date.now();

    const ofUser = await logs({ userId: user.userId, start, end });
    expect(ofUser.totalCount).toBe(5);
    const updates = await logs({ action: 'update-user', userId: user.userId, success: true, start, end });
    expect(updates.list.map((e) => e.requestId)).toEqual([...requestIds].reverse());
    const failures = await logs({ userId: user.userId, success: false });
    expect(failures.list.map((e) => e.requestId)).toEqual([failed.requestId]);

    const page1 = await logs({ operationType: 'update', userId: user.userId, success: true, pagination: { page: 1, limit: 2 } });
    const page2 = await logs({ operationType: 'update', userId: user.userId, success: true, pagination: { page: 2, limit: 2 } });
    expect(page1.list).toHaveLength(2);
    expect(page1.totalCount).toBe(page2.totalCount);
    expect(new Set([...page1.list, ...page2.list].map((e) => e.requestId)).size).toBe(page1.list.length + page2.list.length);
    expect(page1.list[0].timestamp >= page1.list[1].timestamp).toBe(true);

    const creates = await logs({ operationType: 'create', userId: user.userId });
    expect(creates.list.map((e) => e.action)).toEqual(['create-user']);
    expect((await logs({ userId: user.userId, start: end + 60_000 })).totalCount).toBe(0);
    expect((await logs({ userId: user.userId, end: start - 60_000 })).totalCount).toBe(0);
  });

  it('finds entries by the admin that made them', async () => {
    const made = await t.management.createUser({ username: `by_${uniq()}` } as never);
    const { list } = await logs({ userId: t.keyId, requestId: made.requestId });
    expect(list.map((e) => [e.adminUserId, e.action])).toEqual([[t.keyId, 'create-user']]);
    expect((await logs({ userId: 'someone-else', requestId: made.requestId })).totalCount).toBe(0);
  });

  it('keeps each pool\'s log to itself', async () => {
    const other = await t.newPool();
    const mine = await t.management.createUser({ username: `mine_${uniq()}` } as never);
    const theirs = await other.management.createUser({ username: `theirs_${uniq()}` } as never);

    expect((await logs({ requestId: mine.requestId }, other.management)).totalCount).toBe(0);
    const theirLog = await logs({}, other.management);
    expect(theirLog.list.map((e) => e.requestId)).toEqual([theirs.requestId]);
    expect(theirLog.list[0].adminUserId).toBe(other.keyId);
  });

  it('refuses a limit above 50', async () => {
    const answer = await t.management.getAdminAuditLogs({ pagination: { page: 1, limit: 51 } } as never);
    expect(answer.statusCode).toBe(400);
    expect(answer.message).toContain('limit');
  });
});

describe('event outbox', () => {
  it('writes events in the transaction of the change they announce', async () => {
    const created = await t.management.createPublicAccountsBatch({ list: [{ username: `e1_${uniq()}` }, { username: `e2_${uniq()}` }] } as never);
    expect(created.statusCode).toBe(200);
    const events = await outboxOf(created.requestId!);
    expect(events.map((e) => e.type)).toEqual(['user:created', 'user:created']);
    expect(events.every((e) => JSON.parse(e.payload).accountType === 'public_account')).toBe(true);
    expect(events.map((e) => JSON.parse(e.payload).userId).sort()).toEqual(created.data.map((a) => a.userId).sort());
  });

  it('leaves no event when the transaction fails after the event was written', async () => {
    // The second account names a department that does not exist: that fails after the rows and
    // their events were written, so the whole transaction, events included, rolls back.
    const username = `rolled_${uniq()}`;
    const failed = await t.management.createPublicAccountsBatch({
      list: [{ username }, { username: `${username}_2`, departmentIds: ['ffffffffffffffffffffffff'] }],
    } as never);
    expect(failed.statusCode).not.toBe(200);
    expect(await outboxOf(failed.requestId!)).toEqual([]);
    expect((await t.management.listPublicAccounts({ keywords: username } as never)).data.totalCount).toBe(0);
    expect((await logs({ requestId: failed.requestId })).list[0]).toMatchObject({ success: false, action: 'create-public-accounts-batch' });
  });

  it('rolls an event back with the caller\'s transaction', async () => {
    const scope = { poolId: (await t.server.deps.db.selectFrom('access_keys').select('pool_id').where('key_id', '=', t.keyId).executeTakeFirstOrThrow()).pool_id, requestId: `req-${uniq()}` };
    await expect(
      t.server.deps.db.transaction().execute(async (trx) => {
        await enqueueEvent(trx, scope, 'user:resigned', { userId: 'x' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await outboxOf(scope.requestId)).toEqual([]);
    await t.server.deps.db.transaction().execute((trx) => enqueueEvent(trx, scope, 'user:resigned', { userId: 'x' }));
    expect((await outboxOf(scope.requestId)).map((e) => e.type)).toEqual(['user:resigned']);
  });
});
