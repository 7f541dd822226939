import type { ConnectionWatch } from '../lib/connection-watch.js';
import { watchedRedis } from './nonce-store.js';

export interface ChannelHandlers {
  message(channel: string, message: string): void;
  /**
   * After the connection came back, once Redis confirmed these channels again: announcements sent
   * meanwhile were lost, so whatever they would have changed must be assumed changed.
   */
  resubscribed?(): void;
}

export interface Subscription {
  /** Whether every message on these channels reaches the handlers now. */
  listening(): boolean;
  /** Stops hearing these channels; the connection stays for the others. */
  close(): Promise<void>;
}

export interface RedisSubscriber {
  /** Resolves once Redis confirmed the channels; throws if it could not be reached. */
  subscribe(channels: string[], handlers: ChannelHandlers): Promise<Subscription>;
  close(): Promise<void>;
}

interface Entry {
  channels: string[];
  handlers: ChannelHandlers;
  up: boolean;
  closed: boolean;
}

/**
 * The one connection in subscriber mode that a process keeps, shared by every feature that
 * listens on Redis (token-check invalidations, credential revocations): a connection in that mode
 * serves any number of channels, and each one more is another socket per process on Redis.
 * Each subscription is heard only from Redis's confirmation on: ioredis subscribes again by itself
 * after a reconnection without waiting for the answer, so each one is subscribed again here and
 * counts as up, and hears `resubscribed`, only once Redis answered on the same connection.
 */
export function redisSubscriber(url: string, watch?: ConnectionWatch): RedisSubscriber {
  const redis = watchedRedis(url, watch, 'subscriber');
  const entries = new Set<Entry>();
  // Bumped at every loss, so a confirmation that arrives for an older connection counts for nothing.
  let epoch = 0;
  let connecting: Promise<void> | undefined;
  let connectedOnce = false;

  // Messages are handed on even before a confirmation is seen: Redis counted this connection as a
  // receiver (an announcement waits for its acknowledgement), and it may deliver the first message
  // in the same read as its answer to SUBSCRIBE.
  redis.on('message', (channel: string, message: string) => {
    for (const entry of entries) if (entry.channels.includes(channel)) entry.handlers.message(channel, message);
  });
  const down = () => {
    epoch++;
    for (const entry of entries) entry.up = false;
  };
  redis.on('close', down);
  redis.on('reconnecting', down);
  redis.on('end', down);

  const confirm = async (entry: Entry, after: () => void): Promise<void> => {
    const at = epoch;
    await redis.subscribe(...entry.channels);
    if (at !== epoch || redis.status !== 'ready' || entry.closed) return;
    after();
    entry.up = true;
  };
  redis.on('ready', () => {
    if (!connectedOnce) return;
    for (const entry of entries) confirm(entry, () => entry.handlers.resubscribed?.()).catch(() => {});
  });

  const connect = () => {
    connecting ??= redis.connect().then(() => {
      connectedOnce = true;
    });
    return connecting;
  };

  return {
    async subscribe(channels, handlers) {
      await connect();
      const entry: Entry = { channels, handlers, up: false, closed: false };
      entries.add(entry);
      try {
        // A loss before the answer leaves it down; the reconnection's own confirmation brings it up.
        await confirm(entry, () => {});
      } catch (error) {
        entries.delete(entry);
        throw error;
      }
      return {
        listening: () => entry.up,
        async close() {
          entry.closed = true;
          entry.up = false;
          entries.delete(entry);
          const still = new Set([...entries].flatMap((other) => other.channels));
          const gone = channels.filter((channel) => !still.has(channel));
          if (gone.length && redis.status === 'ready') await redis.unsubscribe(...gone).catch(() => {});
        },
      };
    },
    async close() {
      down();
      entries.clear();
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
