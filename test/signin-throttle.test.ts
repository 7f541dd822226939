import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, useTestServer, type TestServer } from './helpers/server.js';
import { createApp, createUser, uniq } from './helpers/apps.js';
import { ApiCode } from '../src/errors.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PER_ACCOUNT = 3;
const PER_ADDRESS = 6;

type Answer = { status: number; retryAfter: string | null; body: { statusCode?: number; apiCode?: number; message?: string } };

/** A raw password sign-in, so the HTTP status and headers can be read. */
async function signIn(t: TestServer, app: { appId: string; secret: string }, account: string, password = 'wrong-password'): Promise<Answer> {
  const response = await fetch(`${t.url}/api/v3/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ connection: 'PASSWORD', client_id: app.appId, client_secret: app.secret, passwordPayload: { account, password } }),
  });
  const body = (await response.json()) as Answer['body'];
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: { statusCode: body.statusCode, apiCode: body.apiCode, message: body.message } };
}

describe('the sign-in throttle, counted in this process', () => {
  const t = useTestServer({ SIGNIN_RATE_PER_ACCOUNT: String(PER_ACCOUNT), SIGNIN_RATE_PER_ADDRESS: '0', SIGNIN_RATE_WINDOW_SECONDS: '60' });
  let app: { appId: string; secret: string };
  beforeAll(async () => {
    app = await createApp(t);
  });

  it('lets an account be tried PER_ACCOUNT times a window, then answers 429 with Retry-After, for known and unknown accounts alike', async () => {
    const user = await createUser(t);
    const nobody = `nobody_${uniq()}@example.com`;
    for (let i = 0; i < PER_ACCOUNT; i += 1) {
      expect((await signIn(t, app, user.email)).body.apiCode).toBe(ApiCode.WRONG_CREDENTIALS);
      expect((await signIn(t, app, nobody)).body.apiCode).toBe(ApiCode.WRONG_CREDENTIALS);
    }
    const known = await signIn(t, app, user.email.toUpperCase(), 'Correct-horse-1');
    const unknown = await signIn(t, app, nobody);
    expect(known).toMatchObject({ status: 429, body: { statusCode: 429, apiCode: ApiCode.SIGNIN_THROTTLED } });
    expect(Number(known.retryAfter)).toBeGreaterThan(0);
    // Alike but for the seconds left, which the clock moves between the two answers.
    const shape = (answer: Answer) => ({ ...answer, retryAfter: null, body: { ...answer.body, message: answer.body.message?.replace(/\d+/g, 'N') } });
    expect(shape(unknown)).toEqual(shape(known));
    // Control: another account from the same address is not held up.
    const other = await createUser(t);
    expect((await signIn(t, app, other.username, 'Correct-horse-1')).body.statusCode).toBe(200);
  });

  it('counts the hosted sign-in form against the same account', async () => {
    const user = await createUser(t);
    for (let i = 0; i < PER_ACCOUNT; i += 1) await signIn(t, app, user.username);
    const response = await fetch(`${t.url}/oidc/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ form: 'x', account: user.username, password: 'Correct-horse-1' }).toString(),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/too many sign-in attempts/);
    // Control: the same form for an account not tried is answered as usual (an expired form here).
    const fresh = await fetch(`${t.url}/oidc/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ form: 'x', account: `fresh_${uniq()}`, password: 'whatever' }).toString(),
    });
    expect(fresh.status).not.toBe(429);
  });
});

describe('the sign-in throttle, counted in Redis', () => {
  let a: TestServer;
  let b: TestServer;
  let app: { appId: string; secret: string };
  beforeAll(async () => {
    const env = { REDIS_URL, SIGNIN_RATE_PER_ACCOUNT: '1000', SIGNIN_RATE_PER_ADDRESS: String(PER_ADDRESS), SIGNIN_RATE_WINDOW_SECONDS: '2' };
    a = await startTestServer(env);
    b = await startTestServer({ ...env, DATABASE_URL: a.database.url, USERPOOL_MASTER_KEY: a.server.deps.masterKey.toString('base64'), USERPOOL_ACCESS_KEY_ID: a.keyId, USERPOOL_ACCESS_KEY_SECRET: a.secret });
    app = await createApp(a);
  });
  afterAll(async () => {
    await b?.close().catch(() => {});
    await a?.close();
  });

  it('shares the per-address count between processes, and forgets it after the window', async () => {
    // Wait for a fresh window so the attempts below fall in one.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const answers: number[] = [];
    for (let i = 0; i < PER_ADDRESS; i += 1) answers.push((await signIn(i % 2 ? b : a, app, `spray_${uniq()}`)).status);
    expect(answers.every((status) => status === 200)).toBe(true);
    expect((await signIn(a, app, `spray_${uniq()}`)).status).toBe(429);
    expect((await signIn(b, app, `spray_${uniq()}`)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await signIn(b, app, `spray_${uniq()}`)).status).toBe(200);
  });
});
