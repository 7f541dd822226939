import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionStateCache } from '../src/services/session-state-cache.js';
import { invalidateChannel, tokenCheckInvalidations } from '../src/server/token-check-invalidations.js';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { openDatabase } from '../src/store/database.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';
import { runCli } from './helpers/cli.js';
import { TEST_DB } from './helpers/database.js';
import { REDIS_URL, redisRelay } from './helpers/redis-relay.js';
import { startServerProcess } from './helpers/process.js';
import { useTestServer } from './helpers/server.js';

// Token checks cached in one server process must end the moment another process (a second server,
// the CLI) has answered a write that ends the session. On PostgreSQL that is Redis's job (and
// without Redis there is no cache); on SQLite each process sees the file change by itself, so
// there the processes share no Redis at all.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const shared: Record<string, string> = TEST_DB === 'postgres' ? { REDIS_URL } : {};
const masterKey = randomBytes(32).toString('base64');

const a = useTestServer({ USERPOOL_MASTER_KEY: masterKey, ...shared });
// The second server is a process of its own on the first one's database (its cache must hear of
// writes made elsewhere, as in production), so it is started here rather than by useTestServer.
let b: Awaited<ReturnType<typeof startServerProcess>>;
let app: { appId: string; secret: string };
beforeAll(async () => {
  b = await startServerProcess({
    DATABASE_URL: a.database.url, USERPOOL_MASTER_KEY: masterKey, USERPOOL_ACCESS_KEY_ID: a.keyId, USERPOOL_ACCESS_KEY_SECRET: a.secret,
    METRICS: 'on', SCHEDULE_POLL_MS: '0', ...shared,
  });
  app = await createApp(a);
});
afterAll(async () => {
  await b?.stop();
});

async function introspect(url: string, token: string): Promise<boolean> {
  const answer = await fetch(`${url}/oidc/token/introspection`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${app.appId}:${app.secret}`).toString('base64')}` },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { active: boolean }).active;
}

async function hitsOn(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^userpool_token_check_cache_hits_total (\d+)/m.exec(text)?.[1]);
}

async function signedIn() {
  const user = await createUser(a, { name: 'Ada' });
  const answer = await signIn(authClient(a, app), user.username);
  expect(answer.statusCode).toBe(200);
  return { user, token: (answer.data as { access_token: string }).access_token };
}

/**
 * Checks the token until one answer came from the cache (`hits` counts them). A commit by another
 * process that may change a check (on SQLite: one counted in token_check_epoch) empties the cache,
 * so one check may miss; the test only needs an entry to be there before the write it is about.
 */
async function cachedOn(url: string, token: string, hits: () => Promise<number>) {
  for (let tries = 0; tries < 20; tries++) {
    expect(await introspect(url, token)).toBe(true);
    const before = await hits();
    expect(await introspect(url, token)).toBe(true);
    if ((await hits()) === before + 1) return;
  }
  throw new Error(`no token check at ${url} was answered from the cache in 20 tries`);
}

const cachedOnB = (token: string) => cachedOn(b.url, token, () => hitsOn(b.url));

describe(`token checks cached by another server process (${TEST_DB}${TEST_DB === 'postgres' ? ' with Redis' : ', no Redis'})`, () => {
  it('refuse the token at the first check after a resignation through this process was answered', async () => {
    const control = await signedIn();
    const s = await signedIn();
    await cachedOnB(control.token);
    await cachedOnB(s.token);
    expect((await a.management.resignUser({ userId: s.user.userId } as never)).statusCode).toBe(200);
    expect(await introspect(b.url, s.token)).toBe(false);
    expect((await fetch(`${b.url}/oidc/me`, { headers: { authorization: `Bearer ${s.token}` } })).status).toBe(401);
    expect(await introspect(b.url, control.token)).toBe(true);
  });

  it('refuse the token at the first check after `userpool resign --csv` returned, on every server', async () => {
    const s = await signedIn();
    await cachedOnB(s.token);
    await cachedOn(a.url, s.token, async () => a.server.deps.sessionStates!.hits);
    const dir = mkdtempSync(join(tmpdir(), 'userpool-resign-'));
    try {
      const csv = join(dir, 'leavers.csv');
      writeFileSync(csv, `user_id\n${s.user.userId}\n`);
      const result = await runCli(['resign', '--csv', csv], { DATABASE_URL: a.database.url, USERPOOL_MASTER_KEY: masterKey, ...shared });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await introspect(b.url, s.token)).toBe(false);
    expect(await introspect(a.url, s.token)).toBe(false);
  });

  it('start afresh once `userpool migrate` applied a migration, on every server', async () => {
    const s = await signedIn();
    await undoRetentionMigration();
    await cachedOnB(s.token);
    await cachedOnA(s.token);
    const result = await runCli(['migrate'], { DATABASE_URL: a.database.url, USERPOOL_MASTER_KEY: masterKey, ...shared });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('applied: 0008_retention');
    await expectMisses(s.token);
  });

  it('start afresh once another server applied a migration at its start', async () => {
    const s = await signedIn();
    await undoRetentionMigration();
    await cachedOnB(s.token);
    await cachedOnA(s.token);
    const c = await startServerProcess({
      DATABASE_URL: a.database.url, USERPOOL_MASTER_KEY: masterKey, USERPOOL_ACCESS_KEY_ID: a.keyId, USERPOOL_ACCESS_KEY_SECRET: a.secret,
      DELIVERY_POLL_MS: '0', SCHEDULE_POLL_MS: '0', ...shared,
    });
    try {
      await expectMisses(s.token);
    } finally {
      await c.stop();
    }
  });
});

const cachedOnA = (token: string) => cachedOn(a.url, token, async () => a.server.deps.sessionStates!.hits);

/**
 * Takes the database back to before migration 0008 (four pruning indexes, nothing a running server
 * needs), as if a newer release were about to bring it: the next migration run applies it again.
 */
async function undoRetentionMigration() {
  const handle = openDatabase(a.database.url);
  try {
    for (const index of ['refresh_tokens_expires_idx', 'oidc_sessions_created_idx', 'login_history_created_idx', 'signin_failures_updated_idx']) {
      await handle.db.schema.dropIndex(index).execute();
    }
    await sql`delete from userpool_migrations where name = '0008_retention'`.execute(handle.db);
  } finally {
    await handle.close();
  }
}

/** The next check of the token on either server is not answered from its cache (the hit counters stay). */
async function expectMisses(token: string) {
  const [onB, onA] = [await hitsOn(b.url), a.server.deps.sessionStates!.hits];
  expect(await introspect(b.url, token)).toBe(true);
  expect(await introspect(a.url, token)).toBe(true);
  expect([await hitsOn(b.url), a.server.deps.sessionStates!.hits]).toEqual([onB, onA]);
}

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('invalidations through Redis', () => {
  it('a process whose subscription is down serves nothing from its cache, and starts afresh once subscribed again', async () => {
    const link = await redisRelay();
    const cache = new SessionStateCache({ ttlMs: 60_000, listening: () => bus.listening() });
    const bus = await tokenCheckInvalidations(link.url, { database: `probe-${randomBytes(4).toString('hex')}`, onInvalidate: () => cache.invalidate(), ackTimeoutMs: 2000 });
    try {
      const miss = cache.lookup('s');
      expect('stamp' in miss && miss.stamp !== undefined).toBe(true);
      cache.remember('s', (miss as { stamp: number }).stamp, {});
      expect('hit' in cache.lookup('s')).toBe(true);

      await link.cut();
      await until(() => !bus.listening(), 'the subscription is seen down');
      // Nothing is served, and nothing read now would be kept.
      expect(cache.lookup('s')).toEqual({ stamp: undefined });

      await link.restore();
      await until(() => bus.listening(), 'the subscription is back');
      // Announcements may have been missed meanwhile: what was cached before is not served.
      expect('hit' in cache.lookup('s')).toBe(false);
    } finally {
      await bus.close();
      await link.close();
    }
  });

  it('an announcement resolves only after every process listening for its database emptied its cache; another database\'s are left alone', async () => {
    const database = `probe-${randomBytes(4).toString('hex')}`;
    const heard: string[] = [];
    const listen = (name: string, of: string) => tokenCheckInvalidations(REDIS_URL, { database: of, onInvalidate: () => heard.push(name), ackTimeoutMs: 5000 });
    const listeners = [await listen('first', database), await listen('second', database), await listen('elsewhere', `${database}-other`)];
    const writer = await tokenCheckInvalidations(REDIS_URL, { database, ackTimeoutMs: 5000 });
    try {
      await writer.announce();
      expect(heard.sort()).toEqual(['first', 'second']);
    } finally {
      for (const bus of [...listeners, writer]) await bus.close();
    }
  });

  it('a listener that never acknowledges holds a write only until the deadline, which is logged', async () => {
    const database = `probe-${randomBytes(4).toString('hex')}`;
    const silent = new Redis(REDIS_URL);
    await silent.subscribe(invalidateChannel(database));
    const warnings: Array<Record<string, unknown>> = [];
    const writer = await tokenCheckInvalidations(REDIS_URL, { database, ackTimeoutMs: 300, log: { warn: (object) => warnings.push(object as Record<string, unknown>) } });
    try {
      await writer.announce();
      expect(warnings).toEqual([expect.objectContaining({ heard: 0, expected: 1, ackTimeoutMs: 300 })]);
    } finally {
      await writer.close();
      silent.disconnect();
    }
  });
});
