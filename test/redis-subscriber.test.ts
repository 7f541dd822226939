import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCESS_KEY_CHANNEL } from '../src/server/key-revocations.js';
import { redisSubscriber } from '../src/server/redis-subscriber.js';
import { revokeKey } from '../src/services/access-keys.js';
import { TEST_DB } from './helpers/database.js';
import { REDIS_URL, redisRelay, type RedisRelay } from './helpers/redis-relay.js';
import { managementClient, startTestServer, type TestServer } from './helpers/server.js';
import { authClient, createApp, createUser, signIn } from './helpers/apps.js';
import { redisClientName } from '../src/server/nonce-store.js';
import { hostname } from 'node:os';

// A process listens on Redis through one subscriber connection, whatever listens: token-check
// invalidations (PostgreSQL) and credential revocations each subscribe their channels on it. Every
// other command (announcements, replay nonces, sign-in limits) goes out on one more connection,
// kept from start-up on.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

async function until(condition: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The connections Redis has from the relay's side, as CLIENT LIST describes them. */
async function clientsThrough(link: RedisRelay): Promise<Array<Record<string, string>>> {
  const admin = new Redis(REDIS_URL);
  try {
    const ports = new Set(link.upstreamPorts().map(String));
    const list = (await admin.client('LIST')) as string;
    return list
      .trim()
      .split('\n')
      .map((line) => Object.fromEntries(line.trim().split(' ').map((field) => field.split('=', 2) as [string, string])))
      .filter((client) => ports.has(client.addr.split(':').pop()!));
  } finally {
    admin.disconnect();
  }
}

describe(`a server with Redis (${TEST_DB})`, () => {
  let link: RedisRelay;
  let t: TestServer;
  beforeAll(async () => {
    link = await redisRelay();
    t = await startTestServer({ REDIS_URL: link.url, ACCESS_KEY_CACHE_SECONDS: '3600' });
  });
  afterAll(async () => {
    await t?.close();
    await link?.close();
  });

  it('holds one subscriber connection, on which it hears every channel it listens to', async () => {
    const clients = await clientsThrough(link);
    const subscribers = clients.filter((client) => Number(client.sub) > 0);
    expect(subscribers).toHaveLength(1);
    // Revoked access keys and SCIM tokens; on PostgreSQL also token-check invalidations and their acknowledgements.
    expect(Number(subscribers[0].sub)).toBe(TEST_DB === 'postgres' ? 4 : 2);
    expect(clients.length).toBeGreaterThan(subscribers.length);
  });

  it('holds two connections in all, each named for its role, host and process: the subscriber, and one for every other command', async () => {
    // Signed requests claim their nonces, a sign-in is counted against its limits, and a stopped key is announced: all on the second.
    const pool = await t.newPool();
    const app = await createApp(t);
    const user = await createUser(t, { name: 'Ada' });
    expect((await signIn(authClient(t, app), user.username)).statusCode).toBe(200);
    const made = await pool.management.createAccessKey({ type: 'management' });
    expect((await pool.management.deleteAccessKey({ accessKeyId: made.data[0].accessKeyId })).statusCode).toBe(200);
    const clients = await clientsThrough(link);
    expect(clients.map((client) => client.name).sort()).toEqual([redisClientName('commands'), redisClientName('subscriber')]);
    expect(redisClientName('commands')).toBe(`userpool:commands:${hostname().replace(/[^\w.-]/g, '_')}:${process.pid}`);
    expect(link.opened()).toBe(2);
  });

  it('announces each access key stopped over the API on a connection it already holds, opening none', async () => {
    const pool = await t.newPool();
    const made = await Promise.all([0, 1, 2].map(() => pool.management.createAccessKey({ type: 'management' })));
    const stopped = made.map((answer) => answer.data[0].accessKeyId);
    const listener = new Redis(REDIS_URL);
    const heard: string[] = [];
    listener.on('message', (_channel: string, keyId: string) => heard.push(keyId));
    try {
      await listener.subscribe(ACCESS_KEY_CHANNEL);
      const before = { opened: link.opened(), clients: (await clientsThrough(link)).map((client) => client.id).sort() };
      expect((await pool.management.updateAccessKey({ accessKeyId: stopped[0], enable: false })).statusCode).toBe(200);
      expect((await pool.management.deleteAccessKey({ accessKeyId: stopped[1] })).statusCode).toBe(200);
      expect((await pool.management.deleteAccessKey({ accessKeyId: stopped[2] })).statusCode).toBe(200);
      // Other test files may announce on the same Redis meanwhile: only these keys count.
      await until(() => stopped.every((keyId) => heard.includes(keyId)), 'every stopped key is announced');
      expect(link.opened()).toBe(before.opened);
      expect((await clientsThrough(link)).map((client) => client.id).sort()).toEqual(before.clients);
    } finally {
      listener.disconnect();
    }
  });

  it('forgets every cached access key once subscribed again after losing Redis, since revocations may have been missed', async () => {
    const key = await t.newPool();
    const client = managementClient(t.url, key.keyId, key.secret);
    expect((await client.listUsers({} as never)).statusCode).toBe(200);
    // Revoked without an announcement: only the cache explains the key still working.
    expect(await revokeKey(t.server.deps.db, key.keyId)).toBe(true);
    expect((await client.listUsers({} as never)).statusCode).toBe(200);

    await link.cut();
    await link.restore();
    // Requests may fail while the server's other Redis connections come back; the key must end refused.
    await until(async () => {
      const status = await client.listUsers({} as never).then(
        (answer) => answer.statusCode,
        (error: { response?: { status: number } }) => error.response?.status,
      );
      return status === 401;
    }, 'the revoked key is refused');
    expect(await clientsThrough(link).then((clients) => clients.filter((c) => Number(c.sub) > 0).length)).toBe(1);
  });
});

describe('the subscriber connection', () => {
  it('hands each subscription its own channels; a loss takes every one down, and each hears when it is subscribed again', async () => {
    const link = await redisRelay();
    const subscriber = redisSubscriber(link.url);
    const publisher = new Redis(REDIS_URL);
    const prefix = `probe-${randomBytes(4).toString('hex')}`;
    const heard: string[] = [];
    const again: string[] = [];
    try {
      const first = await subscriber.subscribe([`${prefix}:a`, `${prefix}:b`], {
        message: (channel, message) => heard.push(`first ${channel.slice(prefix.length + 1)} ${message}`),
        resubscribed: () => again.push('first'),
      });
      const second = await subscriber.subscribe([`${prefix}:c`], {
        message: (channel, message) => heard.push(`second ${channel.slice(prefix.length + 1)} ${message}`),
        resubscribed: () => again.push('second'),
      });
      expect([first.listening(), second.listening()]).toEqual([true, true]);
      expect(await publisher.publish(`${prefix}:b`, '1')).toBe(1);
      expect(await publisher.publish(`${prefix}:c`, '2')).toBe(1);
      await until(() => heard.length === 2, 'both messages are heard');
      expect(heard).toEqual(['first b 1', 'second c 2']);

      await link.cut();
      await until(() => !first.listening() && !second.listening(), 'both subscriptions are seen down');
      expect(again).toEqual([]);
      await link.restore();
      await until(() => first.listening() && second.listening(), 'both subscriptions are back');
      expect(again.sort()).toEqual(['first', 'second']);
      expect(link.upstreamPorts()).toHaveLength(1);

      await first.close();
      expect(await publisher.publish(`${prefix}:a`, '3')).toBe(0);
      expect(await publisher.publish(`${prefix}:c`, '4')).toBe(1);
      await until(() => heard.length === 3, 'the remaining subscription hears its channel');
      expect(heard[2]).toBe('second c 4');
      expect(second.listening()).toBe(true);
    } finally {
      await subscriber.close();
      publisher.disconnect();
      await link.close();
    }
  });
});
