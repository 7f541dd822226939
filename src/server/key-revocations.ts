import type { Redis } from 'ioredis';
import { watchedRedis } from './nonce-store.js';
import type { RedisSubscriber } from './redis-subscriber.js';

export { ACCESS_KEY_CHANNEL, SCIM_TOKEN_CHANNEL } from './revocation-channels.js';

interface RevocableCache {
  forget(id: string): void;
  clear(): void;
}

/**
 * Server side: every process that shares a Redis drops a revoked credential from its cache the
 * moment it is announced (`userpool keys revoke`, a key stopped over the API, a SCIM token
 * revoked), instead of after ACCESS_KEY_CACHE_SECONDS; each kind of cached credential (access
 * keys, SCIM tokens) on its channel, all on the process's one subscriber connection.
 * Announcements sent while this process was cut off from Redis are lost, so once subscribed again
 * after a reconnect the whole cache is dropped.
 */
export async function listenForRevocations(subscriber: RedisSubscriber, caches: Record<string, RevocableCache>): Promise<{ close(): Promise<void> }> {
  return subscriber.subscribe(Object.keys(caches), {
    message: (channel, id) => caches[channel]?.forget(id),
    resubscribed: () => {
      for (const cache of Object.values(caches)) cache.clear();
    },
  });
}

/**
 * Tells every listening server process that a credential was revoked; answers how many heard it.
 * A server announces on the publisher connection it keeps for all its announcements.
 */
export async function announceRevocation(publisher: Redis, channel: string, id: string): Promise<number> {
  return publisher.publish(channel, id);
}

/** CLI side: the same announcement on a connection of its own, for a process that announces once and ends. */
export async function announceRevocationOnce(url: string, channel: string, id: string): Promise<number> {
  const redis = watchedRedis(url, undefined, 'commands');
  try {
    await redis.connect();
    return await announceRevocation(redis, channel, id);
  } finally {
    redis.disconnect();
  }
}
