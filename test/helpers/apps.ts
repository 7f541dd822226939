import { AuthenticationClient } from 'authing-node-sdk';
import { expect } from 'vitest';
import type { TestServer } from './server.js';
import { uniq } from './fixtures.js';

export { uniq };

/** An application made through create-application, with its secret from get-application-secret. */
export async function createApp(t: TestServer, fields: Record<string, unknown> = {}) {
  const created = await t.management.createApplication({ appName: `App ${uniq()}`, appIdentifier: `app-${uniq()}`, ...fields } as never);
  expect(created.statusCode).toBe(200);
  const secret = await t.management.getApplicationSecret({ appId: created.data.appId });
  expect(secret.statusCode).toBe(200);
  return { appId: created.data.appId, secret: secret.data.secret };
}

export function authClient(t: TestServer, app: { appId: string; secret: string }, options: Record<string, unknown> = {}) {
  return new AuthenticationClient({
    appId: app.appId,
    appSecret: app.secret,
    appHost: t.url,
    scope: 'openid profile offline_access',
    timeout: 30000,
    ...options,
  } as never);
}

export async function createUser(t: TestServer, fields: Record<string, unknown> = {}) {
  const s = uniq();
  const answer = await t.management.createUser({
    username: `user_${s}`, email: `user_${s}@example.com`, phone: `139${Math.floor(1e7 + Math.random() * 9e7)}`, password: 'Correct-horse-1', ...fields,
  } as never);
  expect(answer.statusCode).toBe(200);
  return answer.data as { userId: string; username: string; email: string; phone: string };
}

export async function signIn(client: AuthenticationClient, username: string, password = 'Correct-horse-1') {
  return client.signInByUsernamePassword({ username, password, options: { scope: 'openid profile email offline_access' } } as never);
}

/** The HTTP status of a rejected SDK call (axios error). */
export async function httpStatusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as { response?: { status?: number } }).response?.status;
  }
}
