import { sql } from 'kysely';
import type { BenchTarget } from './context.js';
import { loadTest, loop, type Figures } from './measure.js';
import { seedUsers } from './seed.js';
import { signedRequest } from './signing.js';
import { getUser } from '../src/services/users.js';
import { resignUser, resignUsers } from '../src/services/lifecycle.js';
import { buildDirectory } from '../test/helpers/fixtures.js';
import { managementClient } from '../test/helpers/server.js';
import { prepareEmployees } from './fixtures.js';
import { rawResignBaseline } from './raw-resign.js';

export interface Row {
  name: string;
  http: Figures;
  baseline?: Figures;
  ratio?: string;
  target: string;
  verdict: string;
}

export interface Scenario {
  name: string;
  run(target: BenchTarget): Promise<Row[]>;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LARGE_POOL = Number(process.env.BENCH_LARGE_POOL ?? 1_000_000);
const SMALL_POOL = 10_000;
/** Seconds of unrecorded load first, so the JIT and the database caches are warm. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);

const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

/**
 * Fresh statistics after a bulk load, as any long-running database has them; without this
 * PostgreSQL's autovacuum analyses the new rows during the measurement and competes for the CPU.
 */
async function analyze(target: BenchTarget) {
  await sql`analyze`.execute(target.handle.db);
}

/** get-user by email: p99 in a 500 000-user pool within 1.5× of a 10 000-user pool. */
const getUserByEmail: Scenario = {
  name: `get-user by email, pool of ${SMALL_POOL} vs ${LARGE_POOL}`,
  async run(target) {
    const figures: Array<{ size: number; http: Figures; baseline: Figures }> = [];
    for (const size of [SMALL_POOL, LARGE_POOL]) {
      const pool = await target.newPool(`bench-${size}`);
      let last = 0;
      const emails = await seedUsers(target.handle.db, pool.poolId, size, (done) => {
        if (done - last >= 100_000) {
          last = done;
          console.log(`  seeded ${done}/${size}`);
        }
      });
      await analyze(target);
      const request = () => signedRequest(pool.keyId, pool.secret, 'GET', '/api/v3/get-user', { userId: pick(emails), userIdType: 'email' });
      await loadTest(target.server.url, request, { seconds: WARMUP, connections: 10 });
      const http = await loadTest(target.server.url, request, { seconds: SECONDS, connections: 10 });
      const baseline = await loop(() => getUser(pool.scope, pick(emails), 'email', {}), { seconds: SECONDS, concurrency: 10 });
      figures.push({ size, http, baseline });
    }
    const [small, large] = figures;
    const growth = large.http.p99 / Math.max(small.http.p99, 0.001);
    return figures.map((f) => ({
      name: `get-user by email (pool ${f.size})`,
      http: f.http,
      baseline: f.baseline,
      ratio: `${((f.http.rps / f.baseline.rps) * 100).toFixed(0)} % of baseline`,
      target: 'p99 large ≤ 1.5 × p99 small',
      verdict: f === large ? `${growth.toFixed(2)}× → ${growth <= 1.5 ? 'met' : 'MISSED'}` : 'reference',
    }));
  },
};

const RESIGN_HTTP = Number(process.env.BENCH_RESIGN_USERS ?? 1000);
const RESIGN_BASELINE = Math.ceil(RESIGN_HTTP / 3);
const BATCHES_HTTP = Number(process.env.BENCH_RESIGN_BATCHES ?? 20);
const BATCHES_BASELINE = Math.ceil(BATCHES_HTTP / 2);

export async function resignationPool(target: BenchTarget, users: number, tag: string) {
  const pool = await target.newPool(`bench-${tag}`);
  const m = managementClient(target.server.url, pool.keyId, pool.secret);
  const dir = await buildDirectory(m);
  console.log(`  preparing ${users} users with 3 departments, 3 roles, 3 groups, 2 posts, 10 grants each`);
  const ids = await prepareEmployees(m, dir, users, tag);
  return { pool, ids };
}

/** resign-user over signed HTTP against the service call alone; target ≥ 40 % of the baseline's rate. */
const resignOne: Scenario = {
  name: 'resign-user',
  async run(target) {
    const sqlite = target.label === 'SQLite';
    const { pool, ids } = await resignationPool(target, RESIGN_HTTP + RESIGN_BASELINE + (sqlite ? RESIGN_BASELINE : 0), 'single');
    const httpIds = ids.slice(0, RESIGN_HTTP);
    const baseIds = ids.slice(RESIGN_HTTP, RESIGN_HTTP + RESIGN_BASELINE);
    const rawIds = ids.slice(RESIGN_HTTP + RESIGN_BASELINE);
    let next = 0;
    const http = await loadTest(
      target.server.url,
      () => signedRequest(pool.keyId, pool.secret, 'POST', '/api/v3/resign-user', { userId: httpIds[next++ % httpIds.length] }),
      { seconds: 0, connections: 4, amount: httpIds.length },
    );
    const baseline = await loop((i) => resignUser(pool.scope, baseIds[i]), { seconds: 0, amount: baseIds.length, concurrency: 4 });
    const share = http.rps / baseline.rps;
    const rows: Row[] = [{
      name: 'resign-user (3 dept, 3 roles, 3 groups, 2 posts, 10 grants)', http, baseline,
      ratio: `${(share * 100).toFixed(0)} % of baseline`, target: '≥ 40 % of baseline rate',
      verdict: share >= 0.4 ? 'met' : 'MISSED',
    }];
    if (sqlite) {
      // The service in-process (the baseline above, as the "HTTP" column here) against the same
      // statements prepared and run by hand with better-sqlite3.
      const raw = await rawResignBaseline(target.server.env.DATABASE_URL.slice('sqlite:'.length), pool.scope, rawIds[0], rawIds.slice(1));
      const inProcess = baseline.rps / raw.rps;
      rows.push({
        name: 'resign-user in-process vs raw better-sqlite3 (same statements, prepared)', http: baseline, baseline: raw,
        ratio: `${(inProcess * 100).toFixed(0)} % of raw`, target: '≥ 20 % of the raw rate',
        verdict: inProcess >= 0.2 ? 'met' : 'MISSED',
      });
    }
    return rows;
  },
};

/** resign-user-batch of 50 such users, one batch at a time; target p99 < 150 ms on SQLite. */
const resignBatch: Scenario = {
  name: 'resign-user-batch of 50',
  async run(target) {
    const { pool, ids } = await resignationPool(target, (BATCHES_HTTP + BATCHES_BASELINE) * 50, 'batch');
    const batches = Array.from({ length: BATCHES_HTTP + BATCHES_BASELINE }, (_, i) => ids.slice(i * 50, i * 50 + 50));
    let next = 0;
    const http = await loadTest(
      target.server.url,
      () => signedRequest(pool.keyId, pool.secret, 'POST', '/api/v3/resign-user-batch', { userIds: batches[next++ % BATCHES_HTTP] }),
      { seconds: 0, connections: 1, amount: BATCHES_HTTP },
    );
    const baseline = await loop((i) => resignUsers(pool.scope, batches[BATCHES_HTTP + i]), { seconds: 0, amount: BATCHES_BASELINE });
    const sqlite = target.label === 'SQLite';
    return [{
      name: 'resign-user-batch (50 such users)', http, baseline,
      ratio: `${((http.rps / baseline.rps) * 100).toFixed(0)} % of baseline`,
      target: sqlite ? 'p99 < 150 ms' : 'reported',
      verdict: sqlite ? (http.p99 < 150 ? 'met' : 'MISSED') : 'reference',
    }];
  },
};

export const scenarios: Record<string, Scenario> = { 'get-user': getUserByEmail, 'resign-user': resignOne, 'resign-user-batch': resignBatch };
