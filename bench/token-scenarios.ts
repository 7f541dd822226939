import type { BenchTarget } from './context.js';
import { loadTest, type Figures } from './measure.js';
import type { Row, Scenario } from './scenarios.js';
import { managementClient } from '../test/helpers/server.js';
import { ok } from '../test/helpers/fixtures.js';
import { signIn } from '../src/services/authentication.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const PASSWORD = 'Bench-password-1';
const SESSIONS = 100;
const CONNECTIONS = 10;
/** Rounds each route is measured in, in turn, so that load from others on a shared machine falls on all three alike. */
const ROUNDS = 4;

/** One route's figures over all its rounds (p50: the median round's, p99: the worst round's). */
function combine(parts: Figures[]): Figures {
  const count = parts.reduce((n, p) => n + p.count, 0);
  return {
    rps: count / parts.reduce((t, p) => t + p.count / p.rps, 0),
    p50: parts.map((p) => p.p50).sort((a, b) => a - b)[Math.floor(parts.length / 2)],
    p99: Math.max(...parts.map((p) => p.p99)),
    count,
    errors: parts.reduce((n, p) => n + p.errors, 0),
  };
}

/**
 * Token checks against the server's own cheapest route, the JWKS document (no database, no
 * signature): /oidc/token/introspection and /oidc/me at ≥ 40 % of its rate, in the same run.
 * A check of a session seen a moment ago is answered from the process's cache (SQLite; PostgreSQL
 * with Redis, which the bench gives it), which every write that could change it empties first.
 * The three routes are measured in turn in ROUNDS rounds, so that a shared machine's changing
 * load does not favour whichever ran first.
 */
const tokenChecks: Scenario = {
  name: 'token checks vs the JWKS document',
  async run(target: BenchTarget) {
    const pool = await target.newPool('bench-tokens');
    const m = managementClient(target.server.url, pool.keyId, pool.secret);
    // Each pool is its own provider, at /pools/<poolId>/oidc.
    const prefix = `/pools/${pool.poolId}`;
    const app = ok<{ appId: string }>(await m.createApplication({ appName: 'Bench tokens', appIdentifier: `bench-tokens-${Date.now()}` } as never), 'create-application');
    const secret = ok<{ secret: string }>(await m.getApplicationSecret({ appId: app.appId }), 'get-application-secret').secret;
    const list = Array.from({ length: SESSIONS }, (_, i) => ({ username: `tok_${i}`, password: PASSWORD }));
    for (let i = 0; i < list.length; i += 50) ok(await m.createUsersBatch({ list: list.slice(i, i + 50) } as never), 'create-users-batch');
    const tokens: string[] = [];
    for (const { username } of list) {
      const set = await signIn(target.deps, {
        body: { connection: 'PASSWORD', passwordPayload: { username, password: PASSWORD }, options: { scope: 'openid profile' }, client_id: app.appId, client_secret: secret } as never,
        credentials: { clientId: app.appId, clientSecret: secret }, address: { poolId: pool.poolId, issuer: `http://127.0.0.1${prefix}/oidc` }, clientIp: '127.0.0.1',
      });
      tokens.push(set.access_token);
    }
    const pick = () => tokens[Math.floor(Math.random() * tokens.length)];
    const basic = `Basic ${Buffer.from(`${app.appId}:${secret}`).toString('base64')}`;
    const jwks = () => ({ method: 'GET', path: `${prefix}/oidc/.well-known/jwks.json`, headers: {} });
    const introspection = () => ({
      method: 'POST', path: `${prefix}/oidc/token/introspection`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: new URLSearchParams({ token: pick() }).toString(),
    });
    const me = () => ({ method: 'GET', path: `${prefix}/oidc/me`, headers: { authorization: `Bearer ${pick()}` } });
    const isJwks = (status: number, body: string) => status === 200 && body.includes('"keys"');
    const isActive = (status: number, body: string) => status === 200 && body.includes('"active":true');
    const isClaims = (status: number, body: string) => status === 200 && body.includes('"sub"');

    for (const [next, check] of [[jwks, isJwks], [introspection, isActive], [me, isClaims]] as const) {
      await loadTest(target.server.url, next, { seconds: WARMUP, connections: CONNECTIONS, ok: check });
    }
    // JWKS, introspection, userinfo, JWKS, … : each route gets ROUNDS windows of SECONDS / ROUNDS.
    const window = Math.max(1, Math.round(SECONDS / ROUNDS));
    const routes = [[jwks, isJwks], [introspection, isActive], [me, isClaims]] as const;
    const parts: Figures[][] = routes.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [next, check]] of routes.entries()) parts[i].push(await loadTest(target.server.url, next, { seconds: window, connections: CONNECTIONS, ok: check }));
    }
    const [base, ...checks] = parts.map(combine);
    const rows: Row[] = [{ name: 'JWKS document (the cheapest route)', http: base, target: 'reference', verdict: 'reference' }];
    for (const [i, name] of ['/oidc/token/introspection (access token)', '/oidc/me'].entries()) {
      const http = checks[i];
      const share = http.rps / base.rps;
      rows.push({
        name, http, baseline: base, ratio: `${(share * 100).toFixed(0)} % of JWKS`, target: '≥ 40 % of the JWKS rate',
        verdict: http.errors === 0 && share >= 0.4 ? 'met' : 'MISSED',
      });
    }
    return rows;
  },
};

export const tokenScenarios: Scenario[] = [tokenChecks];
