import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { startCliServer, type CliServer } from './helpers/cli.js';
import { managementClient } from './helpers/server.js';
import { ok } from './helpers/fixtures.js';

// Two server processes start from the compiled CLI; on a busy machine that takes a while.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let database: TestDatabase;
const servers: CliServer[] = [];
const keyId = randomBytes(12).toString('hex');
const secret = randomBytes(24).toString('base64url');

beforeAll(async () => {
  database = await freshDatabase();
  const env = {
    DATABASE_URL: database.url, USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'), USERPOOL_ACCESS_KEY_ID: keyId, USERPOOL_ACCESS_KEY_SECRET: secret,
    HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', SCHEDULE_POLL_MS: '50', DELIVERY_POLL_MS: '0', PRUNE_INTERVAL_SECONDS: '0',
  };
  // One after the other, so the second finds the schema migrated.
  servers.push(await startCliServer(env));
  servers.push(await startCliServer(env));
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await database?.drop();
});

describe('scheduled resignations across two server processes', () => {
  it('performs each one exactly once, whichever process claims it', async () => {
    const [a, b] = servers.map((s) => managementClient(s.url, keyId, secret));
    const userIds: string[] = [];
    for (let batch = 0; batch < 2; batch++) {
      const list = Array.from({ length: 50 }, (_, i) => ({ username: `leaver_${batch}_${i}_${randomBytes(3).toString('hex')}` }));
      const created = ok<Array<{ userId: string }>>(await a.createUsersBatch({ list } as never), 'create-users-batch');
      userIds.push(...created.map((u) => u.userId));
    }
    const resignAt = new Date(Date.now() + 2000).toISOString();
    for (let i = 0; i < userIds.length; i += 50) {
      const client = i === 0 ? a : b;
      ok(await client.makeRequest({ method: 'POST', url: '/api/v3/schedule-resignation', data: { userIds: userIds.slice(i, i + 50), resignAt } }), 'schedule-resignation');
    }

    const until = Date.now() + 60_000;
    let done = 0;
    while (done < userIds.length && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      done = ok<{ totalCount: number }>(await a.makeRequest({ method: 'POST', url: '/api/v3/list-scheduled-resignations', data: { status: ['done'], limit: 1 } }), 'list').totalCount;
    }
    expect(done).toBe(userIds.length);
    const pending = ok<{ totalCount: number }>(await b.makeRequest({ method: 'POST', url: '/api/v3/list-scheduled-resignations', data: { status: ['pending', 'failed'], limit: 1 } }), 'list');
    expect(pending.totalCount).toBe(0);

    // Exactly one receipt (audit entry) and one user:resigned event per person.
    const receipts: Array<{ userId: string; requestId: string; scheduleId?: string; eventsQueued: Array<{ eventId: string }> }> = [];
    for (let i = 0; i < userIds.length; i += 50) {
      receipts.push(...ok<{ list: typeof receipts }>(await b.makeRequest({ method: 'POST', url: '/api/v3/get-resignation-receipts', data: { userIds: userIds.slice(i, i + 50) } }), 'receipts').list);
    }
    expect(receipts.map((r) => r.userId).sort()).toEqual([...userIds].sort());
    expect(new Set(receipts.flatMap((r) => r.eventsQueued.map((e) => e.eventId))).size).toBe(userIds.length);
    // Resigning a resigned person changes nothing, so a second performance would leave no second
    // receipt: what proves a single claim is that each schedule's claim (the request id that
    // marked it done) is the very request whose receipt the person has.
    const schedules: Array<{ scheduleId: string; userId: string; performedRequestId: string; performedBy: string }> = [];
    for (const page of [1, 2]) {
      schedules.push(...ok<{ list: typeof schedules }>(await a.makeRequest({ method: 'POST', url: '/api/v3/list-scheduled-resignations', data: { page, limit: 50 } }), 'list').list);
    }
    const receiptOf = new Map(receipts.map((r) => [r.userId, r]));
    for (const schedule of schedules) {
      expect(receiptOf.get(schedule.userId)).toMatchObject({ requestId: schedule.performedRequestId, scheduleId: schedule.scheduleId });
    }
    const audit = ok<{ totalCount: number }>(await a.makeRequest({ method: 'POST', url: '/api/v3/get-admin-audit-logs', data: { action: 'resign-user-scheduled', pagination: { page: 1, limit: 1 } } }), 'audit');
    expect(audit.totalCount).toBe(userIds.length);
    for (const userId of userIds.slice(0, 5)) {
      expect(ok<{ status: string }>(await b.getUser({ userId }), 'get-user').status).toBe('Resigned');
    }
  });
});
