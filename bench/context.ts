import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { announceToolWrites } from '../src/server/token-check-invalidations.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { createKey, createPool } from '../src/services/access-keys.js';
import { DEFAULT_POLICY, type Deps, type Scope } from '../src/services/context.js';
import { startBenchServer, type BenchServer } from './server.js';

export interface BenchTarget {
  label: 'SQLite' | 'PostgreSQL';
  server: BenchServer;
  handle: DatabaseHandle;
  masterKey: Buffer;
  /** What the baseline's in-process service calls run with. */
  deps: Deps;
  /** A new pool with its own key, and the in-process scope the baseline uses for it. */
  newPool(name: string): Promise<{ poolId: string; keyId: string; secret: string; scope: Scope }>;
  close(): Promise<void>;
}

const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A server process over a fresh database, and a handle on the same database for seeding and baselines. */
export async function openTarget(kind: 'sqlite' | 'postgres', workDir: string): Promise<BenchTarget> {
  let url: string;
  let drop = async () => {};
  if (kind === 'sqlite') {
    url = `sqlite:${workDir}/bench-${Date.now()}.db`;
  } else {
    const name = `userpool_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  // PostgreSQL runs as deployed, with Redis when it answers: token checks are cached only with it.
  const redisUrl = kind === 'postgres' && (await redisAnswers()) ? REDIS_URL : undefined;
  const server = await startBenchServer(url, redisUrl ? { REDIS_URL: redisUrl } : {});
  const handle = openDatabase(url);
  // Writes the bench makes through its own handle reach the server's cache as the CLI's do.
  const announcing = announceToolWrites(handle, redisUrl, 2000, console);
  const masterKey = Buffer.from(server.env.USERPOOL_MASTER_KEY, 'base64');
  // The bench server runs with the default policy too.
  const deps: Deps = { db: handle.db, dialect: handle.dialect, masterKey, policy: DEFAULT_POLICY };
  return {
    label: kind === 'sqlite' ? 'SQLite' : 'PostgreSQL',
    server,
    handle,
    masterKey,
    deps,
    async newPool(name) {
      const poolId = await createPool(handle.db, name);
      const key = await createKey(deps, poolId);
      return { poolId, keyId: key.keyId, secret: key.secret, scope: { ...deps, poolId, actor: key.keyId, requestId: randomUUID() } };
    },
    async close() {
      await server.stop();
      await announcing.close();
      await handle.close();
      await drop();
    },
  };
}
