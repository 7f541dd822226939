import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer, type TestServer } from './helpers/server.js';
import { createApp, uniq } from './helpers/apps.js';
import { ok } from './helpers/fixtures.js';
import { postFrom } from './helpers/from-address.js';
import { ApiCode } from '../src/errors.js';

const PER_ADDRESS = 3;

/** A password sign-up as an application's front end sends it, from a client address of the test's choosing. */
const signUp = (t: TestServer, appId: string, username: string, from = '127.0.0.1', path = '/api/v3/signup') =>
  postFrom(`${t.url}${path}`, { connection: 'PASSWORD', passwordPayload: { username, password: 'Correct-horse-1' } }, from, { 'x-authing-app-id': appId });

describe('the sign-up throttle', () => {
  const t = useTestServer({ SIGNUP_RATE_PER_ADDRESS: String(PER_ADDRESS), SIGNUP_RATE_WINDOW_SECONDS: '3600' });
  let app: { appId: string };
  beforeAll(async () => {
    app = await createApp(t);
    ok(await t.management.updateSecuritySettings({ registerDisabled: false } as never), 'update-security-settings');
  });

  const exists = async (username: string) => ok<{ exists: boolean }>(await t.management.isUserExists({ username } as never), 'is-user-exists').exists;

  it('lets one address register PER_ADDRESS times a window, then answers 429 with the envelope and Retry-After and creates no user; another address is not held up', async () => {
    for (let i = 0; i < PER_ADDRESS; i += 1) {
      const username = `u_${uniq()}`;
      expect((await signUp(t, app.appId, username)).body.statusCode).toBe(200);
      expect(await exists(username)).toBe(true);
    }

    const username = `u_${uniq()}`;
    const refused = await signUp(t, app.appId, username);
    expect(refused).toMatchObject({ status: 429, body: { statusCode: 429, apiCode: ApiCode.SIGNIN_THROTTLED, requestId: expect.any(String) } });
    expect(refused.body.message).toMatch(/^too many sign-up attempts from this address; try again in \d+ s$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await exists(username)).toBe(false);
    // Another pool's address counts the same client: the limit is the address's, whatever pool it fills.
    const pool = await t.newPool();
    const poolApp = ok<{ appId: string }>(await pool.management.createApplication({ appName: 'Other', appIdentifier: `o-${uniq()}` } as never), 'create-application');
    ok(await pool.management.updateSecuritySettings({ registerDisabled: false } as never), 'update-security-settings');
    expect((await signUp(t, poolApp.appId, `u_${uniq()}`, '127.0.0.1', `/pools/${pool.poolId}/api/v3/signup`)).status).toBe(429);

    // Control: the same registration from another address goes through.
    const other = await signUp(t, app.appId, username, '127.0.0.2');
    expect(other).toMatchObject({ status: 200, body: { statusCode: 200 } });
    expect(await exists(username)).toBe(true);
  });
});
