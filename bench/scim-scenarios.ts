import { sql } from 'kysely';
import type { BenchTarget } from './context.js';
import { loadTest, type Figures } from './measure.js';
import { signedRequest } from './signing.js';
import { createScimToken } from '../src/services/scim/tokens.js';
import type { Row, Scenario } from './scenarios.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const USERS = Number(process.env.BENCH_SCIM_USERS ?? 10_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = 10;

const share = (http: Figures, baseline: Figures) => http.rps / baseline.rps;
/** Rounds each side is measured in, alternating, so that load from others on a shared machine falls on both alike. */
const ROUNDS = 4;

function combine(parts: Figures[], seconds: number[]): Figures {
  const count = parts.reduce((n, p) => n + p.count, 0);
  return {
    rps: count / seconds.reduce((a, b) => a + b, 0),
    p50: parts.map((p) => p.p50).sort((a, b) => a - b)[Math.floor(parts.length / 2)],
    p99: Math.max(...parts.map((p) => p.p99)),
    count,
    errors: parts.reduce((n, p) => n + p.errors, 0),
  };
}

/** Runs the two sides in alternating rounds (A B A B …) and answers each side's figures over all its rounds. */
async function alternate(a: (round: number) => Promise<Figures>, b: (round: number) => Promise<Figures>): Promise<[Figures, Figures]> {
  const parts: [Figures[], Figures[]] = [[], []];
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [side, run] of [a, b].entries()) {
      const figures = await run(round);
      parts[side].push(figures);
      times[side].push(figures.count / figures.rps);
    }
  }
  return [combine(parts[0], times[0]), combine(parts[1], times[1])];
}

function row(name: string, http: Figures, baseline: Figures): Row {
  const s = share(http, baseline);
  return { name, http, baseline, ratio: `${(s * 100).toFixed(0)} % of the GenAuth API`, target: '≥ 70 % of the GenAuth API', verdict: s >= 0.7 ? 'met' : 'MISSED' };
}

/**
 * SCIM provisioning against the GenAuth API on the same server in the same run: USERS users
 * created with SCIM POST /Users and as many with create-user (each into a pool of its own, same
 * fields, no password), then each set read back at random, by `filter=userName eq …` and by
 * get-user with userIdType username. The baseline here is the GenAuth API over HTTP, not a loop;
 * the two sides alternate in ROUNDS rounds (p50: the median round's, p99: the worst round's).
 */
export const scimProvisioning: Scenario = {
  name: `SCIM provisioning of ${USERS} users vs the GenAuth API`,
  async run(target: BenchTarget): Promise<Row[]> {
    const apiPool = await target.newPool('bench-scim-api');
    const scimPool = await target.newPool('bench-scim');
    const { token } = await createScimToken(target.handle.db, scimPool.poolId, 'bench');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const fields = (tag: string, i: number) => ({ name: `${tag} User ${i}`, givenName: tag, familyName: `User ${i}` });

    let nextApi = 0;
    const apiCreate = () => signedRequest(apiPool.keyId, apiPool.secret, 'POST', '/api/v3/create-user', {
      username: `api-${nextApi}`, email: `api-${nextApi}@bench.example`, ...fields('Api', nextApi++),
    });
    let nextScim = 0;
    const scimCreate = () => {
      const i = nextScim++;
      const f = fields('Scim', i);
      return {
        method: 'POST', path: '/scim/v2/Users', headers: auth,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `scim-${i}@bench.example`,
          emails: [{ value: `scim-${i}@bench.example`, type: 'work', primary: true }], name: { givenName: f.givenName, familyName: f.familyName }, displayName: f.name, active: true,
        }),
      };
    };
    const created = (status: number) => status === 201;
    // Warm both paths with a few hundred users each, then measure the rest.
    const warm = Math.min(500, Math.floor(USERS / 10));
    await loadTest(target.server.url, apiCreate, { seconds: 0, connections: CONNECTIONS, amount: warm });
    await loadTest(target.server.url, scimCreate, { seconds: 0, connections: CONNECTIONS, amount: warm, ok: created });
    console.log(`  creating ${USERS - warm} users each way`);
    const chunk = Math.ceil((USERS - warm) / ROUNDS);
    const amount = (round: number) => Math.min(chunk, USERS - warm - round * chunk);
    const [apiCreated, scimCreated] = await alternate(
      (round) => loadTest(target.server.url, apiCreate, { seconds: 0, connections: CONNECTIONS, amount: amount(round) }),
      (round) => loadTest(target.server.url, scimCreate, { seconds: 0, connections: CONNECTIONS, amount: amount(round), ok: created }),
    );
    await sql`analyze`.execute(target.handle.db);

    const pick = () => Math.floor(Math.random() * USERS);
    const apiGet = () => signedRequest(apiPool.keyId, apiPool.secret, 'GET', '/api/v3/get-user', { userId: `api-${pick()}`, userIdType: 'username' });
    const scimGet = () => ({
      method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "scim-${pick()}@bench.example"`)}`, headers: { authorization: `Bearer ${token}` },
    });
    const foundOne = (status: number, body: string) => status === 200 && body.includes('"totalResults":1');
    await loadTest(target.server.url, apiGet, { seconds: WARMUP, connections: CONNECTIONS });
    await loadTest(target.server.url, scimGet, { seconds: WARMUP, connections: CONNECTIONS, ok: foundOne });
    const window = Math.max(1, Math.round(SECONDS / ROUNDS));
    const [apiRead, scimRead] = await alternate(
      () => loadTest(target.server.url, apiGet, { seconds: window, connections: CONNECTIONS }),
      () => loadTest(target.server.url, scimGet, { seconds: window, connections: CONNECTIONS, ok: foundOne }),
    );
    return [
      row(`SCIM POST /Users (${USERS - warm} users) vs create-user`, scimCreated, apiCreated),
      row(`SCIM GET /Users?filter=userName eq (pool of ${USERS}) vs get-user by username`, scimRead, apiRead),
    ];
  },
};
