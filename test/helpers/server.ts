import { randomBytes } from 'node:crypto';
import { ManagementClient } from 'authing-node-sdk';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { createKey, createPool } from '../../src/services/access-keys.js';
import { freshDatabase, TEST_DB, type TestDatabase } from './database.js';

export interface TestServer {
  url: string;
  keyId: string;
  secret: string;
  server: RunningServer;
  database: TestDatabase;
  /** The official SDK client, signed with the default pool's key, asking for en-US messages. */
  management: ManagementClient;
  /** The same, asking for the cloud's Chinese messages as the SDK does by default. */
  zh: ManagementClient;
  client(keyId: string, secret: string, lang?: Lang): ManagementClient;
  /** A second user pool with its own key. */
  newPool(name?: string): Promise<{ poolId: string; keyId: string; secret: string; management: ManagementClient }>;
  close(): Promise<void>;
}

export type Lang = 'en-US' | 'zh-CN';

/**
 * Our tests ask for en-US (field-naming messages) unless they say otherwise; the SDK's own
 * default, zh-CN, answers with the cloud's wording.
 */
export function managementClient(url: string, keyId: string, secret: string, lang: Lang = 'en-US'): ManagementClient {
  return new ManagementClient({ accessKeyId: keyId, accessKeySecret: secret, host: url, timeout: 30000, lang: lang as never });
}

/**
 * For a second server started inside the test process on the first one's SQLite file: no delivery
 * worker, no resignation scheduler. The two servers hold two connections in one thread; a
 * background transaction of one (which holds the write lock from BEGIN and awaits between its
 * statements) and a write of the other (which waits for the lock synchronously, blocking the thread
 * the transaction needs to finish) would stall each other until the busy timeout ("database is
 * locked"). Separate processes, as in production, do not; nor does PostgreSQL, whose lock waits
 * leave the thread free, so there the second server runs its background work as any node does.
 * The checkpoint threads change none of this: a checkpoint takes no write lock.
 */
export const NO_BACKGROUND_WORK: Record<string, string> = TEST_DB === 'sqlite' ? { DELIVERY_POLL_MS: '0', SCHEDULE_POLL_MS: '0' } : {};

/** Starts the real server on a free port over a database of its own. */

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await freshDatabase();
  const keyId = randomBytes(12).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const config = loadConfig({
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    USERPOOL_MASTER_KEY: randomBytes(32).toString('base64'),
    USERPOOL_ACCESS_KEY_ID: keyId,
    USERPOOL_ACCESS_KEY_SECRET: secret,
    // Every test signs in (and up) from 127.0.0.1, often many times a minute; the throttles' own tests turn them on.
    SIGNIN_RATE_PER_ADDRESS: '0',
    SIGNIN_RATE_PER_ACCOUNT: '0',
    SIGNUP_RATE_PER_ADDRESS: '0',
    ...env,
  });
  const server = await startServer(config, () => {});
  const url = server.url.replace('localhost', '127.0.0.1');
  return {
    url,
    keyId,
    secret,
    server,
    database,
    management: managementClient(url, keyId, secret),
    zh: managementClient(url, keyId, secret, 'zh-CN'),
    client: (id, s, lang) => managementClient(url, id, s, lang),
    async newPool(name = `pool-${randomBytes(3).toString('hex')}`) {
      const poolId = await createPool(server.deps.db, name);
      const key = await createKey(server.deps, poolId);
      return { poolId, keyId: key.keyId, secret: key.secret, management: managementClient(url, key.keyId, key.secret) };
    },
    async close() {
      await server.close();
      await database.drop();
    },
  };
}

/**
 * Starts the server before the tests of the file (or of the describe block it is called in) and
 * closes it after them. What it returns stands for that server: read it in tests and hooks, not at
 * the top level of the file, where the server has not started yet. Before-hooks run in the order
 * they are declared and after-hooks in the reverse order, so a call above a file's own hooks
 * starts the server before them and closes it after them. `env` may be a function when it needs
 * something those hooks made.
 */
export function useTestServer(env: Record<string, string> | (() => Record<string, string>) = {}): TestServer {
  let current: TestServer | undefined;
  beforeAll(async () => {
    current = await startTestServer(typeof env === 'function' ? env() : env);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as TestServer, {
    get(_, key) {
      if (!current) throw new Error(`the test server is not running yet: read ${String(key)} in a test or a hook`);
      return current[key as keyof TestServer];
    },
  });
}
