import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual, createHash } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Observer, SignInOutcome } from '../services/context.js';
import type { DatabaseHandle } from '../store/database.js';
import type { SessionStateCache } from '../services/session-state-cache.js';
import { pendingDeliveries, pendingEvents } from '../store/outbox-stats.js';

/**
 * Prometheus metrics of one server: HTTP requests per route and status, the database pool, the
 * outbox, and what the domain reports through `observer` (sign-ins, lock-outs, resignations).
 * Each server has a registry of its own, so several servers in one process never mix counts.
 */
export interface Metrics {
  registry: Registry;
  observer: Observer;
}

export function createMetrics(handle: DatabaseHandle, sessionStates?: SessionStateCache): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'userpool_' });

  if (sessionStates) {
    const cache = sessionStates;
    new Counter({
      name: 'userpool_token_check_cache_hits_total',
      help: 'Token checks (introspection, userinfo, end-user endpoints) answered from this process\'s cache of accepted sessions, without a database read',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(cache.hits);
      },
    });
  }

  const signIns = new Counter({ name: 'userpool_signins_total', help: 'Password sign-in attempts by outcome', labelNames: ['outcome'], registers: [registry] });
  const lockOuts = new Counter({ name: 'userpool_lockouts_total', help: 'Accounts locked by too many wrong passwords', registers: [registry] });
  const resignations = new Counter({ name: 'userpool_resignations_total', help: 'Accounts that became Resigned', registers: [registry] });
  // Zero series from the start, so a rate over an outcome that never happened reads 0, not absent.
  for (const outcome of ['success', 'wrong_credentials', 'locked', 'not_activated', 'resigned', 'access_denied'] satisfies SignInOutcome[]) signIns.inc({ outcome }, 0);

  if (handle.poolStats) {
    const stats = handle.poolStats;
    new Gauge({
      name: 'userpool_db_pool_connections',
      help: 'PostgreSQL pool connections by state (max is DATABASE_POOL_SIZE; waiting counts queries queued for a connection)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const now = stats();
        this.set({ state: 'max' }, now.max);
        this.set({ state: 'total' }, now.total);
        this.set({ state: 'idle' }, now.idle);
        this.set({ state: 'busy' }, now.total - now.idle);
        this.set({ state: 'waiting' }, now.waiting);
      },
    });
  }

  // Read from the database at each scrape: every node reports the same shared outbox.
  let pending: Promise<{ count: number; oldestCreatedAt: string | null }> | undefined;
  const readPending = () => (pending ??= pendingEvents(handle.db).finally(() => (pending = undefined)));
  new Gauge({
    name: 'userpool_outbox_pending_events',
    help: 'Events in the outbox not yet handed to delivery',
    registers: [registry],
    async collect() {
      this.set((await readPending()).count);
    },
  });
  new Gauge({
    name: 'userpool_outbox_delivery_lag_seconds',
    help: 'Age of the oldest outbox event not yet handed to delivery (0 when none waits)',
    registers: [registry],
    async collect() {
      const { oldestCreatedAt } = await readPending();
      this.set(oldestCreatedAt ? Math.max(0, (Date.now() - Date.parse(oldestCreatedAt)) / 1000) : 0);
    },
  });

  // Webhook deliveries waiting for their first send or a retry: the lag a receiver sees.
  let deliveries: ReturnType<typeof pendingDeliveries> | undefined;
  const readDeliveries = () => (deliveries ??= pendingDeliveries(handle.db).finally(() => (deliveries = undefined)));
  new Gauge({
    name: 'userpool_deliveries_pending',
    help: 'Webhook deliveries not yet delivered (waiting for their first send or a retry)',
    registers: [registry],
    async collect() {
      this.set((await readDeliveries()).count);
    },
  });
  new Gauge({
    name: 'userpool_delivery_lag_seconds',
    help: 'Age of the oldest webhook delivery not yet delivered (0 when none waits)',
    registers: [registry],
    async collect() {
      const { oldestCreatedAt } = await readDeliveries();
      this.set(oldestCreatedAt ? Math.max(0, (Date.now() - Date.parse(oldestCreatedAt)) / 1000) : 0);
    },
  });

  return {
    registry,
    observer: {
      signIn: (outcome) => signIns.inc({ outcome }),
      lockOut: () => lockOuts.inc(),
      resigned: (count) => {
        if (count > 0) resignations.inc(count);
      },
    },
  };
}

/** The envelope's own status (business errors answer HTTP 200 with it), read without parsing the body. */
function envelopeStatus(payload: unknown): string {
  if (typeof payload !== 'string' || !payload.startsWith('{"statusCode":')) return '';
  const end = payload.indexOf(',', 14);
  return end > 14 ? payload.slice(14, end) : '';
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Counts every request (route template, method, HTTP status and envelope status) and serves
 * `GET /metrics`, behind `authorization: Bearer <token>` when a token is given.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  const labelNames = ['method', 'route', 'status', 'envelope_status'];
  const requests = new Counter({ name: 'userpool_http_requests_total', help: 'HTTP requests by route, status and envelope status', labelNames, registers: [metrics.registry] });
  const duration = new Histogram({
    name: 'userpool_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by route and status',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });

  const envelopes = new WeakMap<FastifyRequest, string>();
  app.addHook('onSend', async (request, _reply, payload) => {
    const status = envelopeStatus(payload);
    if (status) envelopes.set(request, status);
    return payload;
  });
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // The route's template, not the URL: one series per route whatever the ids in it.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode), envelope_status: envelopes.get(request) ?? '' };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { config: { auth: 'none' }, schema: { hide: true } }, async (request, reply) => {
    if (token) {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!sameSecret(given, token)) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('metrics need authorization: Bearer <METRICS_TOKEN>\n');
      }
    }
    const body = await metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(body);
  });
}
