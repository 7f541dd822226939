import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { hashToken } from '../src/services/scim/tokens.js';
import { runCli } from './helpers/cli.js';
import { useTestServer, NO_BACKGROUND_WORK } from './helpers/server.js';
import { uniq } from './helpers/apps.js';
import { PATCH_OP, USER, scimClient } from './helpers/scim.js';

// The CLI runs as its own process, as an operator runs it; two server processes share one Redis.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const masterKey = randomBytes(32).toString('base64');
// Long enough that only the announcement can explain a refusal within the test.
const CACHE = { ACCESS_KEY_CACHE_SECONDS: '3600' };

const first = useTestServer({ USERPOOL_MASTER_KEY: masterKey, REDIS_URL, ...CACHE });
let second: RunningServer;
let env: Record<string, string>;
beforeAll(async () => {
  second = await startServer(
    loadConfig({
      DATABASE_URL: first.database.url, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', USERPOOL_MASTER_KEY: masterKey,
      USERPOOL_ACCESS_KEY_ID: first.keyId, USERPOOL_ACCESS_KEY_SECRET: first.secret, REDIS_URL, ...CACHE, ...NO_BACKGROUND_WORK,
    }),
    () => {},
  );
  env = { DATABASE_URL: first.database.url, USERPOOL_MASTER_KEY: masterKey };
});
afterAll(async () => {
  await second?.close();
});

const secondUrl = () => second.url.replace('localhost', '127.0.0.1');

async function createToken(pool: string): Promise<string> {
  const result = await runCli(['scim-token', 'create', '--pool', pool, '--description', 'IdP'], env);
  expect(result.code).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  const match = /^SCIM_TOKEN=(scim_[A-Za-z0-9_-]{43})$/.exec(lines[0]);
  expect(match).not.toBeNull();
  return match![1];
}

describe('scim-token create, list and revoke', () => {
  it('makes a token for a named pool that provisions into that pool, stored only as a hash, listed without it', async () => {
    const pool = `acme-${uniq()}`;
    const token = await createToken(pool);
    const created = await scimClient(first.url, token).post('/Users', { schemas: [USER], userName: `new.${uniq()}@acme.example` });
    expect(created.status).toBe(201);
    const row = await first.server.deps.db.selectFrom('scim_tokens').innerJoin('user_pools', 'user_pools.id', 'scim_tokens.pool_id')
      .select(['scim_tokens.id', 'scim_tokens.token_hash', 'user_pools.name']).where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
    expect(row.name).toBe(pool);
    const user = await first.server.deps.db.selectFrom('users').innerJoin('user_pools', 'user_pools.id', 'users.pool_id').select('user_pools.name').where('users.id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(user.name).toBe(pool);
    // Nothing stored or listed contains the token itself.
    const stored = JSON.stringify(await first.server.deps.db.selectFrom('scim_tokens').selectAll().execute());
    expect(stored).not.toContain(token);
    const list = await runCli(['scim-token', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${row.id}\t${pool}\tactive`);
    expect(list.stdout).not.toContain(token);
  });

  it('revokes a token on every server process at once through Redis, though each had it cached; other tokens keep working', async () => {
    const pool = `revoke-${uniq()}`;
    const token = await createToken(pool);
    const keeper = await createToken(pool);
    const clients = [scimClient(first.url, token), scimClient(secondUrl(), token)];
    for (const client of clients) expect((await client.get('/Users?count=1')).status).toBe(200);
    const id = (await first.server.deps.db.selectFrom('scim_tokens').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow()).id;

    const result = await runCli(['scim-token', 'revoke', id], { ...env, REDIS_URL });
    expect(result.code).toBe(0);
    const [revoked, announced] = result.stdout.trim().split('\n');
    expect(revoked).toBe(`revoked ${id}`);
    expect(Number(/^announced to (\d+) running server processes? through Redis$/.exec(announced)?.[1])).toBeGreaterThanOrEqual(2);

    for (const client of clients) expect((await client.get('/Users?count=1')).status).toBe(401);
    for (const url of [first.url, secondUrl()]) expect((await scimClient(url, keeper).get('/Users?count=1')).status).toBe(200);
    expect((await runCli(['scim-token', 'list'], env)).stdout).toContain(`${id}\t${pool}\trevoked`);
    // Revoking again says there is no such active token.
    const again = await runCli(['scim-token', 'revoke', id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no active SCIM token ${id}`);
  });
});

describe('scim-settings', () => {
  it('shows the defaults, changes what active:false and DELETE do, and refuses unknown actions', async () => {
    const pool = `settings-${uniq()}`;
    const token = await createToken(pool);
    expect((await runCli(['scim-settings', '--pool', pool], env)).stdout.trim()).toBe(`pool ${pool}: deactivate=suspend delete=resign`);
    const bad = await runCli(['scim-settings', '--pool', pool, '--deactivate', 'explode'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('deactivate: must be one of suspend, resign');
    const set = await runCli(['scim-settings', '--pool', pool, '--deactivate', 'resign', '--delete', 'delete'], env);
    expect(set.stdout.trim()).toBe(`pool ${pool}: deactivate=resign delete=delete`);

    const scim = scimClient(first.url, token);
    const user = await scim.post('/Users', { schemas: [USER], userName: `leaver.${uniq()}` });
    await scim.patch(`/Users/${user.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    const row = await first.server.deps.db.selectFrom('users').select('status').where('id', '=', user.body.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('Resigned');
    expect((await scim.delete(`/Users/${user.body.id}`)).status).toBe(204);
    expect(await first.server.deps.db.selectFrom('users').select('id').where('id', '=', user.body.id).executeTakeFirst()).toBeUndefined();
  });
});
