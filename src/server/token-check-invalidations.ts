import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConnectionWatch } from '../lib/connection-watch.js';
import { watchedRedis } from './nonce-store.js';
import { redisSubscriber, type RedisSubscriber, type Subscription } from './redis-subscriber.js';
import { databaseIdentity, type DatabaseHandle } from '../store/database.js';
import { SessionStateCache } from '../services/session-state-cache.js';

/**
 * Where a committed write is announced, one channel per database (`databaseIdentity`), so that
 * deployments sharing a Redis do not empty each other's caches; the message is `<writer> <sequence>`.
 */
export const invalidateChannel = (database: string) => `userpool:token-checks:invalidate:${createHash('sha256').update(database).digest('hex').slice(0, 16)}`;
/** Each writer hears the acknowledgements of its own announcements on a channel of its own. */
const ackChannel = (writer: string) => `userpool:token-checks:ack:${writer}`;

interface Log {
  warn(object: object, message: string): void;
}

export interface TokenCheckInvalidations {
  /** Whether this process hears every announcement now (its subscription is up). */
  listening(): boolean;
  /**
   * Announces a committed write and resolves once every process that heard it acknowledged it
   * (each has started a new generation of its cache by then), or at the deadline, with a warning.
   */
  announce(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Token-check invalidations between processes through Redis pub/sub, with acknowledgements: a
 * write answered only after every listening process dropped what it had cached. PUBLISH answers
 * how many subscribers received the message; the writer waits for that many acknowledgements.
 * With `onInvalidate`, this process listens too (a server); without, it only announces (the CLI).
 * While the subscription is down `listening()` is false, so its cache serves nothing, and each
 * (re)subscription starts a new generation, since announcements may have been missed meanwhile.
 * Announcements that find one in flight wait for it and share the next one: a writer never returns
 * on an acknowledgement of a message sent before its commit.
 */
export async function tokenCheckInvalidations(
  url: string,
  options: {
    database: string; onInvalidate?: () => void; ackTimeoutMs: number; log?: Log; watch?: ConnectionWatch; subscriber?: RedisSubscriber; publisher?: Redis;
  },
): Promise<TokenCheckInvalidations> {
  const INVALIDATE_CHANNEL = invalidateChannel(options.database);
  const writer = randomBytes(8).toString('hex');
  // A server shares its process's subscriber and (connected) publisher; a tool that only announces opens its own.
  const publisher = options.publisher ?? watchedRedis(url, options.watch, 'commands');
  const subscriber = options.subscriber ?? redisSubscriber(url, options.watch);
  const waiting = new Map<string, { heard: number; expected?: number; done(): void }>();
  let sequence = 0;
  const channels = options.onInvalidate ? [INVALIDATE_CHANNEL, ackChannel(writer)] : [ackChannel(writer)];

  const heard = (channel: string, message: string) => {
    if (channel === INVALIDATE_CHANNEL) {
      options.onInvalidate?.();
      const [from, id] = message.split(' ');
      publisher.publish(ackChannel(from), id).catch(() => {
        // The writer waits until its deadline and says so; nothing more to do here.
      });
      return;
    }
    const wait = waiting.get(message);
    if (!wait) return;
    wait.heard++;
    if (wait.expected !== undefined && wait.heard >= wait.expected) wait.done();
  };

  const send = async (): Promise<void> => {
    const id = String(++sequence);
    let timer: NodeJS.Timeout | undefined;
    const acknowledged = new Promise<void>((resolve) => {
      waiting.set(id, { heard: 0, done: resolve });
      timer = setTimeout(() => {
        const wait = waiting.get(id);
        options.log?.warn(
          { heard: wait?.heard, expected: wait?.expected, ackTimeoutMs: options.ackTimeoutMs },
          'token-check invalidation not acknowledged by every process in time; their cached checks end at TOKEN_CHECK_CACHE_SECONDS',
        );
        resolve();
      }, options.ackTimeoutMs);
    });
    try {
      const expected = await publisher.publish(INVALIDATE_CHANNEL, `${writer} ${id}`);
      const wait = waiting.get(id)!;
      wait.expected = expected;
      if (wait.heard >= expected) wait.done();
      await acknowledged;
    } catch (error) {
      options.log?.warn({ err: error }, 'could not announce a token-check invalidation through Redis; other processes serve their cached checks until TOKEN_CHECK_CACHE_SECONDS');
    } finally {
      clearTimeout(timer);
      waiting.delete(id);
    }
  };

  let inFlight: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const announce = (): Promise<void> => {
    if (!inFlight) {
      inFlight = send().finally(() => (inFlight = undefined));
      return inFlight;
    }
    next ??= inFlight.then(() => {
      next = undefined;
      return announce();
    });
    return next;
  };

  let subscription: Subscription;
  try {
    if (!options.publisher) await publisher.connect();
    subscription = await subscriber.subscribe(channels, {
      message: heard,
      // Each (re)subscription after a loss starts a new generation of the cache.
      resubscribed: () => options.onInvalidate?.(),
    });
  } catch (error) {
    if (!options.publisher) publisher.disconnect();
    if (!options.subscriber) await subscriber.close();
    throw error;
  }
  return {
    listening: () => subscription.listening(),
    announce,
    async close() {
      await subscription.close();
      if (!options.subscriber) await subscriber.close();
      if (options.publisher) return;
      if (publisher.status === 'ready') await publisher.quit().catch(() => publisher.disconnect());
      else publisher.disconnect();
    },
  };
}

/**
 * A server's Redis: its address, and the connections its features share: one subscriber for every
 * channel it listens on, one publisher (connected at start-up) for every announcement it sends
 * (token-check invalidations and their acknowledgements, stopped access keys).
 */
export interface ServerRedis {
  url: string;
  subscriber: RedisSubscriber;
  publisher: Redis;
  watch?: ConnectionWatch;
}

export interface TokenCheckCacheSettings {
  enabled: boolean;
  seconds: number;
  ackTimeoutMs: number;
}

/**
 * A server's cache of accepted token checks and what keeps it right: every committed write that
 * may change a check empties it, and, on PostgreSQL with Redis, every other process's too before
 * the write's caller goes on. SQLite needs no Redis for it: other processes on the file are seen
 * through data_version. PostgreSQL without Redis has no cheap way to hear other processes, so
 * there is no cache (every check reads the database). A process whose own cache is off still
 * announces its writes, for the others.
 */
export async function tokenCheckCache(
  handle: DatabaseHandle, settings: TokenCheckCacheSettings, redis: ServerRedis | undefined, log: Log,
): Promise<{ cache?: SessionStateCache; announce(): Promise<void>; close(): Promise<void> }> {
  const shared = handle.dialect === 'postgres' && redis !== undefined;
  let invalidations: TokenCheckInvalidations | undefined;
  let cache: SessionStateCache | undefined;
  if (settings.enabled && (handle.dialect === 'sqlite' || shared)) {
    const own = new SessionStateCache({
      ttlMs: settings.seconds * 1000,
      listening: shared ? () => invalidations?.listening() ?? false : undefined,
      externalVersion: handle.dataVersion,
    });
    handle.afterCommit(() => own.invalidate());
    cache = own;
  }
  if (shared) {
    const database = await databaseIdentity(handle.db);
    const bus = await tokenCheckInvalidations(redis.url, {
      database, onInvalidate: cache && (() => cache.invalidate()), ackTimeoutMs: settings.ackTimeoutMs, log, watch: redis.watch, subscriber: redis.subscriber, publisher: redis.publisher,
    });
    handle.afterCommit(() => bus.announce());
    invalidations = bus;
  }
  return {
    cache,
    /** For writes made before the cache was set up (migrations at start-up); SQLite's are seen by themselves. */
    async announce() {
      await invalidations?.announce();
    },
    async close() {
      await invalidations?.close();
    },
  };
}

/**
 * A tool's writes (the CLI's) announced to the servers that share its PostgreSQL database and
 * Redis, as a server's are; connects on the first write, so commands that only read never need
 * Redis. Call it after migrating (the channel is named after the migrated database), and
 * `announce()` the migrations that ran, which were committed before it listened. A failed
 * announcement is reported, not thrown: the write itself was committed.
 */
export function announceToolWrites(handle: DatabaseHandle, redisUrl: string | undefined, ackTimeoutMs: number, log: Log): { announce(): Promise<void>; close(): Promise<void> } {
  if (handle.dialect !== 'postgres' || !redisUrl) return { async announce() {}, async close() {} };
  let bus: Promise<TokenCheckInvalidations> | undefined;
  const announce = async () => {
    try {
      bus ??= databaseIdentity(handle.db).then((database) => tokenCheckInvalidations(redisUrl, { database, ackTimeoutMs, log }));
      await (await bus).announce();
    } catch (error) {
      log.warn({ err: error }, 'could not announce a write through Redis; servers serve their cached token checks until TOKEN_CHECK_CACHE_SECONDS');
    }
  };
  handle.afterCommit(announce);
  return {
    announce,
    async close() {
      await (await bus?.catch(() => undefined))?.close();
    },
  };
}
