import type { Redis } from 'ioredis';
import type { ConnectionWatch } from '../lib/connection-watch.js';
import { watchedRedis } from './nonce-store.js';

/** Channels on which a revocation is announced; the message is what the processes cache by. */
export const ACCESS_KEY_CHANNEL = 'userpool:access-keys:revoked';
/** SCIM tokens are cached by their SHA-256, which is what this channel carries (never the token). */
export const SCIM_TOKEN_CHANNEL = 'userpool:scim-tokens:revoked';

interface RevocableCache {
  forget(id: string): void;
  clear(): void;
}

function connection(url: string, watch?: ConnectionWatch): Redis {
  return watchedRedis(url, watch);
}

/**
 * Server side: every process that shares a Redis drops a revoked key from its access-key cache
 * the moment `userpool keys revoke` announces it, instead of after ACCESS_KEY_CACHE_SECONDS.
 * Announcements sent while this process was cut off from Redis are lost, so after a reconnect
 * the whole cache is dropped.
 */
export async function listenForKeyRevocations(url: string, cache: RevocableCache, watch?: ConnectionWatch): Promise<{ close(): Promise<void> }> {
  return listenForRevocations(url, { [ACCESS_KEY_CHANNEL]: cache }, watch);
}

/** One subscription for every kind of cached credential (access keys, SCIM tokens), each on its channel. */
export async function listenForRevocations(url: string, caches: Record<string, RevocableCache>, watch?: ConnectionWatch): Promise<{ close(): Promise<void> }> {
  const redis = connection(url, watch);
  let connectedOnce = false;
  redis.on('ready', () => {
    if (connectedOnce) for (const cache of Object.values(caches)) cache.clear();
    connectedOnce = true;
  });
  redis.on('message', (channel: string, id: string) => {
    caches[channel]?.forget(id);
  });
  await redis.connect();
  await redis.subscribe(...Object.keys(caches));
  return {
    async close() {
      redis.disconnect();
    },
  };
}

/** CLI side: tells every listening server process that a key was revoked; answers how many heard it. */
export async function announceKeyRevocation(url: string, keyId: string): Promise<number> {
  return announceRevocation(url, ACCESS_KEY_CHANNEL, keyId);
}

export async function announceRevocation(url: string, channel: string, id: string): Promise<number> {
  const redis = connection(url);
  try {
    await redis.connect();
    return await redis.publish(channel, id);
  } finally {
    redis.disconnect();
  }
}
