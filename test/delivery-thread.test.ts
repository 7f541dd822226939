import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { deliversInThread, startDeliveryThread, type DeliveryThread } from '../src/delivery/thread.js';
import { DEFAULT_DELIVERY, startDeliveryWorker } from '../src/delivery/worker.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { insertPool } from '../src/store/pools.js';
import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { ConfigError, loadConfig } from '../src/config.js';
import { enqueueDelivery } from '../src/services/deliveries.js';
import { findPoolByName } from '../src/store/pools.js';
import { startTestServer, useTestServer } from './helpers/server.js';
import { openDatabase } from '../src/store/database.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startReceiver, type Answer } from './helpers/receiver.js';
import { ok } from './helpers/fixtures.js';
import { uniq } from './helpers/apps.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe('where the delivery worker runs', () => {
  const on = (thread: boolean, url: string) => deliversInThread({ ...DEFAULT_DELIVERY, thread }, url);

  it('runs in a thread by default on either database, and in the process with DELIVERY_THREAD=off or a database in memory', () => {
    expect(on(true, 'sqlite:./data/userpool.db')).toBe(true);
    expect(on(true, 'postgres://postgres@127.0.0.1:5432/userpool')).toBe(true);
    // A database in memory has no file another connection could open.
    expect(on(true, 'sqlite::memory:')).toBe(false);
    expect(on(false, 'sqlite:./data/userpool.db')).toBe(false);
    expect(on(false, 'postgres://postgres@127.0.0.1:5432/userpool')).toBe(false);
    expect(loadConfig({}).delivery.thread).toBe(true);
    expect(loadConfig({ DELIVERY_THREAD: 'off' }).delivery.thread).toBe(false);
    expect(() => loadConfig({ DELIVERY_THREAD: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ DELIVERY_THREAD: 'sometimes' })).toThrow('DELIVERY_THREAD must be true or false (got "sometimes")');
  });
});

describe('the delivery worker in a thread of its own', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const routes = new Map<string, Answer>();
  beforeAll(async () => {
    receiver = await startReceiver((request) => routes.get(request.path) ?? { status: 200 });
  });
  afterAll(async () => {
    await receiver?.close();
  });
  const t = useTestServer({ DELIVERY_POLL_MS: '50', DELIVERY_TIMEOUT_MS: '3000' });
  const thread = () => t.server.deliveries as DeliveryThread;
  const at = (path: string) => receiver.received.filter((r) => r.path === path);
  const enqueue = async (url: string) => {
    const poolId = (await findPoolByName(t.server.deps.db, 'default'))!.id;
    return t.server.deps.db.transaction().execute((trx) => enqueueDelivery(trx, { poolId, kind: 'backchannel-logout', url, contentType: 'text/plain', body: 'hello' }));
  };
  const status = async (id: string) => (await t.server.deps.db.selectFrom('deliveries').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow());

  it('sends a resignation\'s event signed, and records the attempt in the shared database', async () => {
    expect(thread().runsIn).toBe('thread');
    const path = `/thread-${uniq()}`;
    const hook = ok<{ webhookId: string; secret: string }>(
      await t.management.createWebhook({ name: `thread ${uniq()}`, url: receiver.url + path, contentType: 'application/json', events: ['user:resigned'] } as never), 'create-webhook');
    const s = uniq();
    const user = ok<{ userId: string }>(await t.management.createUser({ username: `th_${s}`, email: `th_${s}@corp.example` } as never), 'create-user');
    const answer = await t.management.resignUser({ userId: user.userId });
    const [request] = await receiver.waitFor(1, 15_000, (r) => r.path === path);
    const verified = new StandardWebhook(hook.secret, { format: 'raw' }).verify(request.body, request.headers as Record<string, string>) as Record<string, any>;
    expect(verified).toMatchObject({ eventName: 'user:resigned', requestId: answer.requestId, data: { userId: user.userId } });
    const logs = await eventually(async () => {
      const page = ok<{ list: Array<{ success: boolean; responseStatusCode: number }> }>(await t.management.getWebhookLogs({ webhookId: hook.webhookId, page: 1, limit: 10 } as never), 'get-webhook-logs');
      return page.list.length ? page.list : undefined;
    }, 10_000, 'the attempt logged');
    expect(logs).toMatchObject([{ success: true, responseStatusCode: 200, eventName: 'user:resigned' }]);
  });

  it('is started again when it ends, and goes on sending', async () => {
    const first = thread().current()!;
    await first.terminate();
    const restarted = await eventually(async () => {
      const next = thread().current();
      return next && next !== first ? next : undefined;
    }, 10_000, 'a new thread');
    expect(restarted.threadId).not.toBe(first.threadId);
    const path = `/after-restart-${uniq()}`;
    const id = await enqueue(receiver.url + path);
    await receiver.waitFor(1, 15_000, (r) => r.path === path);
    expect(await eventually(async () => ((await status(id)).status === 'delivered' ? status(id) : undefined), 10_000, 'delivered')).toEqual({ status: 'delivered', attempts: 1 });
  });

  it('on stop, lets a send in flight finish within the grace and records it, then closes its connection and ends', async () => {
    const path = `/slow-${uniq()}`;
    // Never answered: the send ends at the worker's timeout (3 s), inside the 5 s grace.
    routes.set(path, 'hang');
    const id = await enqueue(receiver.url + path);
    await receiver.waitFor(1, 15_000, (r) => r.path === path);
    const running = thread().current()!;
    const exited = new Promise<number>((resolve) => running.once('exit', resolve));
    await thread().stop(5000);
    // It ended by itself, not by being terminated (which exits with 1).
    expect(await exited).toBe(0);
    expect(thread().current()).toBeUndefined();
    // The attempt was recorded before the thread ended, and nothing is left claimed.
    const row = await t.server.deps.db.selectFrom('deliveries').select(['status', 'attempts', 'locked_until', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, locked_until: null, last_error: expect.stringMatching(/timed out/) });
  });
});

describe('a worker on SQLite', () => {
  it('looks at the outbox within tens of milliseconds of another process\'s commit, not at its next poll', async () => {
    // A SQLite file whatever the suite's database: the watch is SQLite's (data_version).
    const dir = mkdtempSync(join(tmpdir(), 'userpool-watch-'));
    const url = `sqlite:${join(dir, 'userpool.db')}`;
    const receiver = await startReceiver();
    // Polls every 10 s: only the watch can bring a look within the wait below.
    const server = await startTestServer({ DATABASE_URL: url, DELIVERY_POLL_MS: '10000' });
    const elsewhere = openDatabase(url, { checkpointThread: false });
    try {
      // The worker's first look (at start) is over.
      await new Promise((r) => setTimeout(r, 500));
      const poolId = (await findPoolByName(elsewhere.db, 'default'))!.id;
      const committed = Date.now();
      await elsewhere.db.transaction().execute((trx) => enqueueDelivery(trx, { poolId, kind: 'backchannel-logout', url: `${receiver.url}/elsewhere`, contentType: 'text/plain', body: 'from another process' }));
      const [request] = await receiver.waitFor(1, 5000);
      expect(request.body).toBe('from another process');
      expect(request.at - committed).toBeLessThan(2000);
    } finally {
      await elsewhere.close();
      await server.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says the write lock was busy, not that the database is unreachable, when another connection holds it past busy_timeout, and goes on after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'userpool-busy-'));
    const file = join(dir, 'userpool.db');
    const handle = openDatabase(`sqlite:${file}`, { checkpointThread: false });
    await migrateToLatest(handle);
    const poolId = (await insertPool(handle.db, 'busy')).id;
    const warnings: string[] = [];
    const worker = startDeliveryWorker({ db: handle.db, dialect: handle.dialect, masterKey: randomBytes(32) }, { ...DEFAULT_DELIVERY, pollMs: 50 }, { warn: (_o, message) => warnings.push(message), debug: () => {} });
    // Another process holds the write lock for longer than the worker's busy_timeout (5 s).
    const holder = new SQLite(file);
    try {
      holder.exec('begin immediate');
      await eventually(async () => (warnings.length ? warnings : undefined), 15_000, 'a warning');
      expect(warnings[0]).toBe('delivery worker waited past busy_timeout for the write lock; trying again');
      holder.exec('commit');
      // The worker goes on: a delivery queued now is taken (claimed) at its next turn.
      const id = await handle.db.transaction().execute((trx) => enqueueDelivery(trx, { poolId, kind: 'backchannel-logout', url: 'http://127.0.0.1:9/unreachable', contentType: 'text/plain', body: 'x' }));
      await eventually(async () => ((await handle.db.selectFrom('deliveries').select('attempts').where('id', '=', id).executeTakeFirstOrThrow()).attempts > 0 ? true : undefined), 15_000, 'an attempt');
    } finally {
      if (holder.inTransaction) holder.exec('rollback');
      holder.close();
      await worker.stop(0);
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts a thread that dies before its worker runs again after 1, 2, then 4 s, not every second', async () => {
    const restarts: number[] = [];
    const errors: string[] = [];
    // A database file that cannot be made (its directory would be inside a plain file): every
    // thread fails while opening it.
    const dir = mkdtempSync(join(tmpdir(), 'userpool-restart-'));
    const plain = join(dir, 'not-a-directory');
    writeFileSync(plain, '');
    const thread = startDeliveryThread(
      { databaseUrl: `sqlite:${join(plain, 'userpool.db')}`, poolSize: 1, masterKey: randomBytes(32), settings: DEFAULT_DELIVERY },
      {
        warn: (object) => restarts.push((object as { restartInMs: number }).restartInMs),
        debug: () => {},
        error: (object) => errors.push(String((object as { err: Error }).err.message)),
      },
    );
    try {
      await eventually(async () => (restarts.length >= 3 ? restarts : undefined), 20_000, 'three restarts');
      expect(restarts.slice(0, 3)).toEqual([1000, 2000, 4000]);
      expect(errors[0]).toMatch(/not-a-directory/);
    } finally {
      await thread.stop(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
