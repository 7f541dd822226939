import { Redis } from 'ioredis';

const CHANNEL = 'userpool:access-keys:revoked';

function connection(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 3000, lazyConnect: true });
  // ioredis reconnects by itself; without a listener each failed attempt prints a stack.
  redis.on('error', () => {});
  return redis;
}

/**
 * Server side: every process that shares a Redis drops a revoked key from its access-key cache
 * the moment `userpool keys revoke` announces it, instead of after ACCESS_KEY_CACHE_SECONDS.
 * Announcements sent while this process was cut off from Redis are lost, so after a reconnect
 * the whole cache is dropped.
 */
export async function listenForKeyRevocations(
  url: string,
  cache: { forget(keyId: string): void; clear(): void },
): Promise<{ close(): Promise<void> }> {
  const redis = connection(url);
  let connectedOnce = false;
  redis.on('ready', () => {
    if (connectedOnce) cache.clear();
    connectedOnce = true;
  });
  redis.on('message', (channel: string, keyId: string) => {
    if (channel === CHANNEL) cache.forget(keyId);
  });
  await redis.connect();
  await redis.subscribe(CHANNEL);
  return {
    async close() {
      redis.disconnect();
    },
  };
}

/** CLI side: tells every listening server process that a key was revoked; answers how many heard it. */
export async function announceKeyRevocation(url: string, keyId: string): Promise<number> {
  const redis = connection(url);
  try {
    await redis.connect();
    return await redis.publish(CHANNEL, keyId);
  } finally {
    redis.disconnect();
  }
}
