import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { openDatabase, ping, type DatabaseHandle } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { ensureBootstrapKey, generateFirstKey, keyResolver } from '../services/access-keys.js';
import { databaseNonceStore, redisNonceStore, watchedRedis, type NonceStore } from './nonce-store.js';
import type { Redis } from 'ioredis';
import { ACCESS_KEY_CHANNEL, announceRevocation, listenForRevocations, SCIM_TOKEN_CHANNEL } from './key-revocations.js';
import { scimTokenResolver } from '../services/scim/tokens.js';
import { ensureConsoles } from '../services/administrators.js';
import { pruneExpired } from '../services/retention.js';
import { buildApp } from './app.js';
import type { ServerState } from './health.js';
import { createMetrics } from './metrics.js';
import { startDeliveryWorker, type DeliveryWorker } from '../delivery/worker.js';
import { withOutboxNotifications } from '../delivery/outbox-notifications.js';
import { deliversInThread, startDeliveryThread } from '../delivery/thread.js';
import { startResignationScheduler, type ResignationScheduler } from '../scheduler/worker.js';
import type { Deps } from '../services/context.js';
import { connectionWatch, type ConnectionWatch } from '../lib/connection-watch.js';
import { readMasterKey } from '../lib/master-key.js';
import { tokenCheckCache, type ServerRedis } from './token-check-invalidations.js';
import { redisSubscriber } from './redis-subscriber.js';

export interface RunningServer {
  deps: Deps;
  app: FastifyInstance;
  url: string;
  /** Undefined when DELIVERY_POLL_MS is 0. */
  deliveries?: DeliveryWorker;
  /** Undefined when SCHEDULE_POLL_MS is 0. */
  scheduler?: ResignationScheduler;
  /**
   * Stops gracefully: readiness turns 503, the listener closes, requests and background work in
   * flight finish, then Redis and the database close. Whatever still runs at the deadline
   * (SHUTDOWN_TIMEOUT_SECONDS unless given) has its connection cut: the answer is `forced`.
   */
  close(deadlineMs?: number): Promise<'drained' | 'forced'>;
}

/** PostgreSQL connections of a delivery thread: one visit runs at a time, and pruning runs in the server. */
const DELIVERY_THREAD_POOL = 2;

/** Opens the database, migrates, makes sure a management key exists, then listens. */
export async function startServer(config: Config, announce: (line: string) => void = console.log): Promise<RunningServer> {
  const databaseWatch = connectionWatch('database');
  const redisWatch = connectionWatch('redis');
  const handle = await connectDatabase(config.databaseUrl, config.databasePoolSize, databaseWatch);
  const state: ServerState = { draining: false };
  let nonces: NonceStore | undefined;
  let revocations: { close(): Promise<void> } | undefined;
  let tokenChecks: { close(): Promise<void> } | undefined;
  // Two connections per process: one in subscriber mode for every channel it listens on, and one
  // for every other command (announcements, replay nonces, sign-in limits).
  const redis: ServerRedis | undefined = config.redisUrl
    ? { url: config.redisUrl, subscriber: redisSubscriber(config.redisUrl, redisWatch), publisher: watchedRedis(config.redisUrl, redisWatch, 'commands'), watch: redisWatch }
    : undefined;
  const unreachable = (error: Error): never => {
    throw new ConfigError(`REDIS_URL: cannot reach ${redact(config.redisUrl!)} (${error.message})`);
  };
  try {
    const masterKey = readMasterKey(config.masterKey);
    const migrated = await migrateToLatest(handle, masterKey);
    const baseDeps = { db: handle.db, dialect: handle.dialect, masterKey, policy: config.policy };
    if (config.bootstrapKey) {
      if ((await ensureBootstrapKey(baseDeps, config.bootstrapKey)) === 'revoked') {
        throw new ConfigError(`USERPOOL_ACCESS_KEY_ID: key ${config.bootstrapKey.id} was revoked or disabled; give a new key instead of bringing a stopped one back`);
      }
    } else {
      const first = await generateFirstKey(baseDeps);
      if (first) {
        announce(`Generated the first management key of the default user pool (shown once, keep it safe):`);
        announce(`  USERPOOL_ACCESS_KEY_ID=${first.keyId}`);
        announce(`  USERPOOL_ACCESS_KEY_SECRET=${first.secret}`);
      }
    }
    // Every pool's reserved admin role and built-in console client (idempotent, like the key).
    await ensureConsoles(baseDeps, config.policy.publicUrl);
    // Until the server has its log, warnings about invalidations go nowhere (none are sent before it has one).
    let app: FastifyInstance | undefined;
    const log = { warn: (object: object, message: string) => app?.log.warn(object, message) };
    if (redis) await redis.publisher.connect().catch(unreachable);
    const checks = await tokenCheckCache(handle, config.tokenCheckCache, redis, log).catch(unreachable);
    tokenChecks = checks;
    const metrics = config.metrics.enabled ? createMetrics(handle, checks.cache) : undefined;
    const deps: Deps = { ...baseDeps, observer: metrics?.observer, sessionStates: checks.cache };
    const resolveKey = keyResolver(deps, config.accessKeyCacheSeconds * 1000);
    const scimTokens = scimTokenResolver(deps.db, config.accessKeyCacheSeconds * 1000);
    if (redis) {
      nonces = redisNonceStore(redis.publisher);
      revocations = await listenForRevocations(redis.subscriber, { [ACCESS_KEY_CHANNEL]: resolveKey, [SCIM_TOKEN_CHANNEL]: scimTokens }).catch(unreachable);
    } else {
      // Without Redis the database keeps them, so a restart does not reopen the replay window.
      nonces = databaseNonceStore(handle.db, handle.dialect);
    }
    // A key stopped over the API is forgotten here at once and, with Redis, everywhere else.
    deps.keyStopped = async (keyId) => {
      resolveKey.forget(keyId);
      if (!redis) return;
      await announceRevocation(redis.publisher, ACCESS_KEY_CHANNEL, keyId).catch((error: unknown) =>
        app?.log.error({ err: error, keyId }, 'could not announce a stopped access key through Redis; other processes keep it until their cache expires'),
      );
    };
    app = await buildApp({
      deps,
      resolveKey,
      nonces,
      maxSkewSeconds: config.signatureMaxSkewSeconds,
      logLevel: config.logLevel,
      scimTokens,
      state,
      metrics: metrics && { metrics, token: config.metrics.token },
      throttle: config.throttle,
      signupThrottle: config.signupThrottle,
      throttleRedis: redis?.publisher,
    });
    databaseWatch.use(app.log);
    redisWatch.use(app.log);
    // Migrations that ran here were committed before this process announced its writes: the
    // servers already running drop their cached token checks now, not at TOKEN_CHECK_CACHE_SECONDS.
    if (migrated.length) await checks.announce();
    const url = await app.listen({ host: config.host, port: config.port });
    const pruning = schedulePruning(app, deps, config.pruneIntervalSeconds);
    const deliveries =
      config.delivery.pollMs === 0
        ? undefined
        : deliversInThread(config.delivery, config.databaseUrl)
          ? startDeliveryThread({ databaseUrl: config.databaseUrl, poolSize: DELIVERY_THREAD_POOL, masterKey, settings: config.delivery }, app.log)
          : withOutboxNotifications(startDeliveryWorker(deps, config.delivery, app.log, handle.fileVersion), config.databaseUrl, app.log);
    if (deliveries) app.log.info({ runsIn: deliveries.runsIn }, deliveries.runsIn === 'thread' ? 'delivery worker started in a thread of its own' : 'delivery worker started in the main thread');
    const scheduler = config.schedulePollMs > 0 ? startResignationScheduler(deps, config.schedulePollMs, app.log) : undefined;
    const store = nonces;
    const listener = revocations;
    return {
      deps,
      app,
      url,
      deliveries,
      scheduler,
      async close(deadlineMs = config.shutdownTimeoutSeconds * 1000) {
        state.draining = true;
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'forced'>((resolve) => (timer = setTimeout(() => resolve('forced'), deadlineMs)));
        // Fastify stops accepting, closes idle keep-alive connections and waits for requests in
        // flight; background work (pruning) finishes its current run meanwhile. The delivery
        // worker stops once no request can queue more: sends in flight get part of the deadline,
        // the rest are cut and their claims given back.
        const drained = Promise.all([app.close().then(() => deliveries?.stop(Math.min(5000, deadlineMs / 2))), pruning.stop(), scheduler?.stop()]).then(() => 'drained' as const);
        const outcome = await Promise.race([drained, deadline]);
        clearTimeout(timer);
        if (outcome === 'forced') {
          app.log.warn({ deadlineMs }, 'shutdown deadline reached: closing the connections still in use');
          app.server.closeAllConnections();
          await deliveries?.stop(0);
        }
        await listener?.close();
        await checks.close();
        await redis?.subscriber.close();
        await closeRedis(redis?.publisher);
        await store.close();
        await handle.close();
        return outcome;
      },
    };
  } catch (error) {
    await revocations?.close();
    await tokenChecks?.close();
    await redis?.subscriber.close();
    await closeRedis(redis?.publisher);
    await nonces?.close();
    await handle.close();
    throw error;
  }
}

/**
 * Prunes expired tokens, dead sessions and old login history every `seconds` (0: never), the
 * first run a random part of the interval after start so that several processes spread out.
 * A failed run is logged and tried again at the next tick; it never stops the server.
 */
function schedulePruning(app: FastifyInstance, deps: Deps, seconds: number): { stop(): Promise<void> } {
  if (seconds === 0) return { async stop() {} };
  let current: Promise<void> | undefined;
  const run = () => {
    current ??= pruneExpired(deps)
      .then((pruned) => {
        if (Object.values(pruned).some((n) => n > 0)) app.log.info({ pruned }, 'pruned expired rows');
      })
      .catch((error: unknown) => app.log.warn({ err: error }, 'pruning failed; trying again at the next interval'))
      .finally(() => (current = undefined));
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    run();
    interval = setInterval(run, seconds * 1000).unref();
  }, Math.floor(Math.random() * seconds * 1000)).unref();
  return {
    // Waits for a run under way, so the database is not closed beneath it.
    async stop() {
      clearTimeout(first);
      if (interval) clearInterval(interval);
      await current;
    },
  };
}

async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (!redis) return;
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Opens the database and makes sure it answers, so a wrong DATABASE_URL is named as such. */
async function connectDatabase(url: string, poolSize: number, watch: ConnectionWatch): Promise<DatabaseHandle> {
  let handle: DatabaseHandle | undefined;
  try {
    handle = openDatabase(url, { poolSize, watch, checkpointThread: true });
    await ping(handle.db);
    return handle;
  } catch (error) {
    await handle?.close().catch(() => {});
    throw new ConfigError(`DATABASE_URL: cannot open ${redact(url)} (${error instanceof Error ? error.message : String(error)})`);
  }
}
