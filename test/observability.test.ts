import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startCliServer } from './helpers/cli.js';
import { managementClient } from './helpers/server.js';
import { freshDatabase, TEST_DB, PG_ADMIN_URL, type TestDatabase } from './helpers/database.js';
import { connectionWatch, type WatchLog } from '../src/lib/connection-watch.js';
import { watchedRedis } from '../src/server/nonce-store.js';
import { openDatabase, ping } from '../src/store/database.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
});

function capture(): WatchLog & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return { lines, warn: (_o, message) => lines.push({ level: 'warn', message }), info: (_o, message) => lines.push({ level: 'info', message }) };
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the request log', () => {
  it('records business errors answered with HTTP 200 at info, with their statusCode and apiCode', async () => {
    const keyId = `obs-${randomBytes(6).toString('hex')}`;
    const secret = randomBytes(24).toString('base64url');
    const server = await startCliServer({
      DATABASE_URL: database.url, USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'), PORT: '0', LOG_LEVEL: 'info',
      USERPOOL_ACCESS_KEY_ID: keyId, USERPOOL_ACCESS_KEY_SECRET: secret,
    });
    let missing: { requestId?: string };
    let invalid: { requestId?: string };
    let found: { requestId?: string };
    try {
      const client = managementClient(server.url, keyId, secret);
      missing = (await client.getUser({ userId: '000000000000000000000000' })) as never;
      invalid = (await client.createUser({ username: 'x', email: 'not-an-email' } as never)) as never;
      found = (await client.listUsers({} as never)) as never;
    } finally {
      await server.stop();
    }
    const lines = server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const notFound = lines.find((l) => l.requestId === missing.requestId && l.apiCode !== undefined);
    expect(notFound).toMatchObject({ level: 30, statusCode: 404, apiCode: 2004 });
    const refused = lines.find((l) => l.requestId === invalid.requestId && l.apiCode !== undefined);
    expect(refused).toMatchObject({ level: 30, statusCode: 400 });
    expect(String(refused!.msg)).toMatch(/email/);
    // Control: a successful request leaves no such line.
    expect(lines.filter((l) => l.requestId === found.requestId && l.apiCode !== undefined)).toEqual([]);
  });
});

describe('lost connections', () => {
  it('a Redis connection that drops is logged once as lost and once as back', async () => {
    const log = capture();
    const watch = connectionWatch('redis');
    watch.use(log);
    const redis = watchedRedis(REDIS_URL, watch);
    const admin = new Redis(REDIS_URL);
    try {
      await redis.connect();
      await redis.ping();
      expect(log.lines).toEqual([]);
      const id = await redis.client('ID');
      await admin.client('KILL', 'ID', String(id));
      await until(() => log.lines.some((l) => l.message === 'redis connection back'));
      await redis.ping();
      expect(log.lines).toEqual([
        { level: 'warn', message: 'redis connection lost' },
        { level: 'info', message: 'redis connection back' },
      ]);
    } finally {
      redis.disconnect();
      admin.disconnect();
    }
  });

  if (TEST_DB === 'postgres') {
    it('a PostgreSQL connection that the server ends is logged once as lost and once as back', async () => {
      const log = capture();
      const watch = connectionWatch('database');
      watch.use(log);
      const handle = openDatabase(database.url, { poolSize: 3, watch });
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      try {
        await Promise.all([ping(handle.db), ping(handle.db), ping(handle.db)]);
        expect(log.lines).toEqual([]);
        const name = new URL(database.url).pathname.slice(1);
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        await until(() => log.lines.length > 0);
        // Idle connections the server ended may still be handed out once each (a failed request
        // in a real server); the pool then opens new ones.
        for (let attempt = 0; attempt < 5; attempt += 1) {
          if (await ping(handle.db).then(() => true, () => false)) break;
        }
        await ping(handle.db);
        expect(log.lines).toEqual([
          { level: 'warn', message: 'database connection lost' },
          { level: 'info', message: 'database connection back' },
        ]);
      } finally {
        await admin.end();
        await handle.close();
      }
    });
  }
});
