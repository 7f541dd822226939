import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { enqueueDelivery } from '../src/services/deliveries.js';
import { findPoolByName } from '../src/store/pools.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { startServerProcess } from './helpers/process.js';
import { eventually, startReceiver } from './helpers/receiver.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let database: TestDatabase;
let handle: DatabaseHandle;
const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: database.url,
  USERPOOL_MASTER_KEY: MASTER,
  USERPOOL_ACCESS_KEY_ID: 'durability-key-1',
  USERPOOL_ACCESS_KEY_SECRET: 'durability-secret-0123456789',
  DELIVERY_POLL_MS: '50',
  PRUNE_INTERVAL_SECONDS: '0',
  ...extra,
});
const MASTER = randomBytes(32).toString('base64');

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

async function poolId(): Promise<string> {
  handle ??= openDatabase(database.url, { poolSize: 4 });
  return (await findPoolByName(handle.db, 'default'))!.id;
}

async function enqueueMany(urls: string[]): Promise<string[]> {
  const pool = await poolId();
  return handle.db.transaction().execute(async (trx) => {
    const ids: string[] = [];
    for (const url of urls) ids.push(await enqueueDelivery(trx, { poolId: pool, kind: 'test', url, contentType: 'text/plain', body: url }));
    return ids;
  });
}

describe('deliveries across crashes and processes', () => {
  it('a delivery cut off by SIGKILL mid-send is sent again, with the same id, after the restart', async () => {
    let up = false;
    const receiver = await startReceiver(() => (up ? { status: 200 } : 'hang'));
    const first = await startServerProcess(env({ DELIVERY_TIMEOUT_MS: '5000' }));
    try {
      const [id] = await enqueueMany([`${receiver.url}/sigkill`]);
      await receiver.waitFor(1, 20_000);
      await first.kill();
      // A delivery committed while no server runs waits in the database.
      const [whileDown] = await enqueueMany([`${receiver.url}/while-down`]);
      up = true;
      const second = await startServerProcess(env({ DELIVERY_TIMEOUT_MS: '1000' }));
      try {
        // The dead process's claim lapses after its timeout plus the margin; then it is sent again.
        const status = async (d: string) => (await handle.db.selectFrom('deliveries').select('status').where('id', '=', d).executeTakeFirstOrThrow()).status;
        await eventually(async () => (await status(id)) === 'delivered' && (await status(whileDown)) === 'delivered', 90_000, 'both delivered after restart');
        const sent = receiver.received.filter((r) => r.path === '/sigkill');
        expect(sent.length).toBe(2);
        expect(sent[1].body).toBe(sent[0].body);
        expect(receiver.received.filter((r) => r.path === '/while-down')).toHaveLength(1);
        const attempts = await handle.db.selectFrom('delivery_attempts').select(['success', 'worker']).where('delivery_id', '=', id).execute();
        // The killed process recorded nothing; the restarted one recorded the success.
        expect(attempts).toHaveLength(1);
        expect(attempts[0].success).toBe(1);
      } finally {
        await second.stop();
      }
    } finally {
      await first.kill();
      await receiver.close();
    }
  });

  it('two server processes on one database share the work and never send one delivery twice', async () => {
    const receiver = await startReceiver();
    const a = await startServerProcess(env({ DELIVERY_CONCURRENCY: '4' }));
    const b = await startServerProcess(env({ DELIVERY_CONCURRENCY: '4' }));
    try {
      const urls = Array.from({ length: 300 }, (_, i) => `${receiver.url}/shared/${i}`);
      const ids = await enqueueMany(urls);
      await receiver.waitFor(300, 60_000);
      await eventually(async () => {
        const rows = await handle.db.selectFrom('deliveries').select('status').where('id', 'in', ids).execute();
        return rows.every((r) => r.status === 'delivered');
      }, 30_000, 'all delivered');
      await new Promise((r) => setTimeout(r, 500));
      const paths = receiver.received.map((r) => r.path).filter((p) => p.startsWith('/shared/'));
      expect(paths).toHaveLength(300);
      expect(new Set(paths).size).toBe(300);
      const attempts = await handle.db.selectFrom('delivery_attempts').select(['delivery_id', 'worker']).where('delivery_id', 'in', ids).execute();
      expect(attempts).toHaveLength(300);
      const workers = new Map<string, number>();
      for (const attempt of attempts) workers.set(attempt.worker, (workers.get(attempt.worker) ?? 0) + 1);
      expect([...workers.keys()].map((w) => w.split(':')[1]).sort()).toEqual([String(a.pid), String(b.pid)].sort());
      for (const count of workers.values()) expect(count).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await receiver.close();
    }
  });
});
