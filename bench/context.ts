import { randomUUID } from 'node:crypto';
import pg from 'pg';
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
  const server = await startBenchServer(url);
  const handle = openDatabase(url);
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
      await handle.close();
      await drop();
    },
  };
}
