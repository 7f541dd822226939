import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { newId } from '../src/lib/ids.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { findPoolByName } from '../src/store/pools.js';
import { OUTBOX_CHANNEL } from '../src/store/migrations/0028_outbox_notify.js';
import { PG_ADMIN_URL, TEST_DB } from './helpers/database.js';
import { eventually, startReceiver } from './helpers/receiver.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { ok } from './helpers/fixtures.js';
import { uniq } from './helpers/apps.js';

// Events committed by another process (another node, a CLI) reach a server's delivery worker as
// they commit: on SQLite through the file's data_version, on PostgreSQL through LISTEN on the
// channel the outbox's trigger notifies. The servers here poll every 10 s, so only that can bring
// a delivery within the waits below. The events are written as another process writes them,
// through a connection of their own and without this process's announcement (enqueueEvents
// would announce them to the worker in this process, proving nothing).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const POLL = { DELIVERY_POLL_MS: '10000' };

async function commitElsewhere(elsewhere: DatabaseHandle, poolId: string, userId: string): Promise<number> {
  const at = new Date().toISOString();
  await elsewhere.db.transaction().execute((trx) =>
    trx.insertInto('event_outbox').values({ id: newId(), pool_id: poolId, type: 'user:created', payload: JSON.stringify({ userId }), request_id: null, created_at: at, delivered_at: null }).execute(),
  );
  return Date.now();
}

describe.each([
  { runsIn: 'thread', env: POLL },
  { runsIn: 'process', env: { ...POLL, DELIVERY_THREAD: 'false' } },
])(`a delivery worker in the $runsIn (${TEST_DB})`, ({ runsIn, env }) => {
  let t: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let elsewhere: DatabaseHandle;
  let poolId: string;
  const path = `/${uniq()}`;
  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestServer(env);
    expect(t.server.deliveries?.runsIn).toBe(runsIn);
    ok(await t.management.createWebhook({ name: `watch ${uniq()}`, url: receiver.url + path, contentType: 'application/json', events: ['user:created'] } as never), 'create-webhook');
    elsewhere = openDatabase(t.database.url, { checkpointThread: false, poolSize: 1 });
    poolId = (await findPoolByName(elsewhere.db, 'default'))!.id;
    // The worker is running and idle: a first event has arrived (however it was found), and the
    // looks that follow a find, which come sooner than the poll, are over.
    const first = uniq();
    await commitElsewhere(elsewhere, poolId, first);
    await receiver.waitFor(1, 20_000, (r) => r.path === path && r.body.includes(first));
    await new Promise((r) => setTimeout(r, 500));
  });
  afterAll(async () => {
    await elsewhere?.close();
    await t?.close();
    await receiver?.close();
  });

  const arrived = async (userId: string) => {
    const [request] = await receiver.waitFor(1, 8000, (r) => r.path === path && r.body.includes(userId));
    return request;
  };

  it('sends an event another connection commits within a couple of seconds, not at its next poll', async () => {
    const userId = uniq();
    const committed = await commitElsewhere(elsewhere, poolId, userId);
    const request = await arrived(userId);
    expect(request.at - committed).toBeLessThan(2000);
  });

  if (TEST_DB === 'postgres') {
    it('listens again after its LISTEN connection is ended, and then hears the next commit at once', async () => {
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      const database = new URL(t.database.url).pathname.slice(1);
      const listeners = async () =>
        (await admin.query<{ pid: number }>(`select pid from pg_stat_activity where datname = $1 and query = $2`, [database, `listen ${OUTBOX_CHANNEL}`])).rows.map((r) => r.pid);
      try {
        const [first] = await eventually(async () => ((await listeners()).length === 1 ? listeners() : undefined), 10_000, 'one listening connection');
        await admin.query('select pg_terminate_backend($1)', [first]);
        const [second] = await eventually(async () => {
          const now = await listeners();
          return now.length === 1 && now[0] !== first ? now : undefined;
        }, 15_000, 'a new listening connection');
        expect(second).not.toBe(first);
        const userId = uniq();
        const committed = await commitElsewhere(elsewhere, poolId, userId);
        expect((await arrived(userId)).at - committed).toBeLessThan(2000);
      } finally {
        await admin.end();
      }
    });
  }
});
