import type { BenchTarget } from './context.js';
import { loadTest, loop, type Figures } from './measure.js';
import { seedUsers } from './seed.js';
import { signedRequest } from './signing.js';
import { getUser } from '../src/services/users.js';

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
const LARGE_POOL = Number(process.env.BENCH_LARGE_POOL ?? 500_000);
const SMALL_POOL = 10_000;
/** Seconds of unrecorded load first, so the JIT and the database caches are warm. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);

const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

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
      const request = () => signedRequest(pool.keyId, pool.secret, 'GET', '/api/v3/get-user', { userId: pick(emails), userIdType: 'email' });
      await loadTest(target.server.url, request, { seconds: WARMUP, connections: 10 });
      const http = await loadTest(target.server.url, request, { seconds: SECONDS, connections: 10 });
      const baseline = await loop(() => getUser(pool.scope, pick(emails), 'email', {}), { seconds: SECONDS });
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

export const scenarios: Scenario[] = [getUserByEmail];
