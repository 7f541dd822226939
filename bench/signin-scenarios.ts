import type { BenchTarget } from './context.js';
import { loadTest, loop } from './measure.js';
import type { Row, Scenario } from './scenarios.js';
import { signedRequest } from './signing.js';
import { managementClient } from '../test/helpers/server.js';
import { ok } from '../test/helpers/fixtures.js';
import { signIn } from '../src/services/authentication.js';
import { authenticateClient, refresh } from '../src/services/tokens.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PASSWORD = 'Bench-password-1';
const USERS = 200;
const PROBE_RATE = 20;

async function signInPool(target: BenchTarget, tag: string) {
  const pool = await target.newPool(`bench-${tag}`);
  const m = managementClient(target.server.url, pool.keyId, pool.secret);
  const app = ok<{ appId: string }>(await m.createApplication({ appName: `Bench ${tag}`, appIdentifier: `bench-${tag}-${Date.now()}` } as never), 'create-application');
  const secret = ok<{ secret: string }>(await m.getApplicationSecret({ appId: app.appId }), 'get-application-secret').secret;
  const usernames: string[] = [];
  for (let start = 0; start < USERS; start += 50) {
    const list = Array.from({ length: 50 }, (_, i) => ({ username: `${tag}_${start + i}`, password: PASSWORD }));
    ok(await m.createUsersBatch({ list } as never), 'create-users-batch');
    usernames.push(...list.map((u) => u.username));
  }
  // Each pool is its own provider: its applications sign in at /pools/<poolId>.
  const prefix = `/pools/${pool.poolId}`;
  return { pool, prefix, address: { poolId: pool.poolId, issuer: `http://127.0.0.1${prefix}/oidc` }, appId: app.appId, secret, usernames };
}

const body = (appId: string, secret: string, username: string) => ({
  connection: 'PASSWORD',
  passwordPayload: { username, password: PASSWORD },
  options: { scope: 'openid profile offline_access' },
  client_id: appId,
  client_secret: secret,
});

const json = (path: string, payload: unknown) => ({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
const form = (path: string, fields: Record<string, string>) => ({
  method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
});

/**
 * Password sign-in (argon2id, 19 MiB, t=2) at full load, with a single client reading get-user
 * at the same time: target ≥ 60 sign-ins/s, and the server keeps answering meanwhile.
 */
const passwordSignIn: Scenario = {
  name: 'password sign-in, and get-user during it',
  async run(target) {
    const { pool, prefix, address, appId, secret, usernames } = await signInPool(target, 'signin');
    const pick = () => usernames[Math.floor(Math.random() * usernames.length)];
    const probe = () => signedRequest(pool.keyId, pool.secret, 'GET', '/api/v3/get-user', { userId: pick(), userIdType: 'username' });
    // The probe is a steady trickle (what other users of the directory do), not a second load test.
    const quiet = await loadTest(target.server.url, probe, { seconds: SECONDS, connections: 1, rate: PROBE_RATE });
    const [http, during] = await Promise.all([
      loadTest(target.server.url, () => json(`${prefix}/api/v3/signin`, body(appId, secret, pick())), { seconds: SECONDS, connections: 8 }),
      loadTest(target.server.url, probe, { seconds: SECONDS, connections: 1, rate: PROBE_RATE }),
    ]);
    const deps = target.deps;
    const baseline = await loop(
      () => signIn(deps, { body: body(appId, secret, pick()) as never, credentials: { clientId: appId, clientSecret: secret }, address, clientIp: '127.0.0.1' }),
      { seconds: SECONDS, concurrency: 8 },
    );
    const rows: Row[] = [
      {
        name: 'password sign-in (argon2id 19 MiB, t=2)', http, baseline,
        ratio: `${((http.rps / baseline.rps) * 100).toFixed(0)} % of baseline`, target: '≥ 60 sign-ins/s',
        verdict: http.rps >= 60 ? 'met' : 'MISSED',
      },
      {
        name: `get-user at ${PROBE_RATE} req/s while sign-in load runs`, http: during, baseline: quiet,
        ratio: `p99 ${(during.p99 / Math.max(quiet.p99, 0.001)).toFixed(1)}× the quiet p99 (baseline column: the same probe without sign-in load)`,
        target: 'keeps answering', verdict: during.errors === 0 && during.count > 0 ? 'met' : 'MISSED',
      },
    ];
    return rows;
  },
};

/** refresh_token grant with rotation: each answer's new refresh token goes back into the pool. */
const refreshGrant: Scenario = {
  name: 'refresh_token grant',
  async run(target) {
    const { prefix, address, appId, secret, usernames } = await signInPool(target, 'refresh');
    const deps = target.deps;
    const sessions = async (count: number) => {
      const tokens: string[] = [];
      for (const username of usernames.slice(0, count)) {
        const set = await signIn(deps, { body: body(appId, secret, username) as never, credentials: { clientId: appId, clientSecret: secret }, address, clientIp: '127.0.0.1' });
        tokens.push(set.refresh_token!);
      }
      return tokens;
    };
    const httpTokens = await sessions(100);
    const http = await loadTest(
      target.server.url,
      () => form(`${prefix}/oidc/token`, { grant_type: 'refresh_token', refresh_token: httpTokens.shift()!, client_id: appId, client_secret: secret }),
      {
        seconds: SECONDS, connections: 8,
        ok: (status) => status === 200,
        onBody: (text) => {
          try {
            const next = (JSON.parse(text) as { refresh_token?: string }).refresh_token;
            if (next) httpTokens.push(next);
          } catch {
            /* counted as an error by `ok` */
          }
        },
      },
    );
    const baseTokens = await sessions(100);
    const baseline = await loop(async () => {
      const client = await authenticateClient(deps, { clientId: appId, clientSecret: secret }, 'token_endpoint_auth_method');
      const set = await refresh(deps, address.issuer, client, baseTokens.shift());
      baseTokens.push(set.refresh_token!);
    }, { seconds: SECONDS, concurrency: 8 });
    return [{
      name: 'refresh_token grant (rotating)', http, baseline,
      ratio: `${((http.rps / baseline.rps) * 100).toFixed(0)} % of baseline`, target: '≥ 480 refreshes/s',
      verdict: http.rps >= 480 ? 'met' : 'MISSED',
    }];
  },
};

const CALLBACK = 'https://bench.example.com/callback';

/**
 * A full authorization-code sign-in as a browser and its application make it: the page
 * (GET /oidc/auth), the form post (POST /oidc/auth/signin) and the code exchange (POST
 * /oidc/token), measured against password sign-in (POST /api/v3/signin) in the same run, with the
 * same HTTP client and as many concurrent callers: target ≥ 50 % of the password sign-in rate.
 */
const codeFlow: Scenario = {
  name: 'code-flow sign-in vs password sign-in',
  async run(target) {
    const { pool, prefix, appId, secret, usernames } = await signInPool(target, 'codeflow');
    const m = managementClient(target.server.url, pool.keyId, pool.secret);
    ok(await m.updateApplication({ appId, redirectUris: [CALLBACK] } as never), 'update-application');
    const base = `${target.server.url}${prefix}`;
    const pick = () => usernames[Math.floor(Math.random() * usernames.length)];
    const passwordSignInOnce = async () => {
      const answer = await fetch(`${base}/api/v3/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(appId, secret, pick())) });
      const data = (await answer.json()) as { statusCode: number };
      if (data.statusCode !== 200) throw new Error(`password sign-in answered ${data.statusCode}`);
    };
    const authorize = `${base}/oidc/auth?${new URLSearchParams({ client_id: appId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid profile offline_access', state: 'bench', nonce: 'bench' })}`;
    const codeFlowOnce = async (i: number) => {
      // Each caller is one browser: its binding cookie stays, and it holds no provider session.
      const cookie = `userpool_browser=bench-browser-${String(i % 8).padStart(32, '0')}`;
      const page = await (await fetch(authorize, { headers: { cookie } })).text();
      const sealed = /name="form" value="([^"]+)"/.exec(page)?.[1];
      if (!sealed) throw new Error('no sign-in form');
      const posted = await fetch(`${base}/oidc/auth/signin`, {
        method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ form: sealed.replace(/&amp;/g, '&'), account: pick(), password: PASSWORD }).toString(),
      });
      const code = new URL(posted.headers.get('location') ?? 'x:/').searchParams.get('code');
      if (!code) throw new Error(`sign-in form answered ${posted.status}`);
      const tokens = await fetch(`${base}/oidc/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: appId, client_secret: secret }).toString(),
      });
      if (tokens.status !== 200) throw new Error(`code exchange answered ${tokens.status}`);
      await tokens.arrayBuffer();
    };
    // Both paths warm up first (code paths compiled, signing key loaded), then run in turn.
    await loop(passwordSignInOnce, { seconds: 3, concurrency: 8 });
    await loop(codeFlowOnce, { seconds: 3, concurrency: 8 });
    const password = await loop(passwordSignInOnce, { seconds: SECONDS, concurrency: 8 });
    const flows = await loop(codeFlowOnce, { seconds: SECONDS, concurrency: 8 });
    const ratio = flows.rps / password.rps;
    return [{
      name: 'code-flow sign-in (page + form post + code exchange)', http: flows, baseline: password,
      ratio: `${(ratio * 100).toFixed(0)} % of password sign-in (baseline column: POST /api/v3/signin, same client)`,
      target: '≥ 50 % of the password sign-in rate', verdict: ratio >= 0.5 ? 'met' : 'MISSED',
    }];
  },
};

export const signInScenarios: Scenario[] = [passwordSignIn, refreshGrant, codeFlow];

