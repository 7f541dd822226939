import type { Deps } from '../services/context.js';
import { dispatchEvents, settle, type AttemptResult } from '../services/deliveries.js';
import { claimDue, recordAttempts, releaseClaims, type DeliveryRow } from '../store/deliveries.js';
import { findWebhooksById, type WebhookRow } from '../store/webhooks.js';
import { setMaxListeners } from 'node:events';
import { sendDelivery } from './send.js';

export interface DeliverySettings {
  /** Give up on one attempt after this long (DELIVERY_TIMEOUT_MS). */
  timeoutMs: number;
  /** How often an idle worker looks for work (DELIVERY_POLL_MS); 0 runs no worker in this process. */
  pollMs: number;
  /** Sends in flight at once per process (DELIVERY_CONCURRENCY). */
  concurrency: number;
  /** Refuse private, loopback and link-local targets (DELIVERY_REFUSE_PRIVATE_TARGETS). */
  refusePrivate: boolean;
  /** Bytes of each answer kept in the log. */
  maxResponseBytes: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = { timeoutMs: 10_000, pollMs: 250, concurrency: 32, refusePrivate: false, maxResponseBytes: 4096 };

interface Log {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Waits for `work`, at most `ms`. */
async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export interface DeliveryWorker {
  /** Look for work now instead of at the next poll. */
  wake(): void;
  /**
   * Stops taking work, lets sends in flight finish for up to `graceMs`, then aborts the rest and
   * releases their claims so another process (or this one after a restart) sends them at once.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Events fanned out per transaction. */
const DISPATCH_BATCH = 500;
/**
 * A claim outlives the send's timeout by this much, so it only lapses if its process died (or
 * could not record the outcome): then another worker sends again, with the same webhook-id.
 */
const LEASE_MARGIN_MS = 5_000;

/**
 * The delivery worker: one per server process. It fans committed outbox events out to the
 * webhooks that subscribe to them, claims due deliveries (its own claims keep other processes
 * off them), keeps up to `concurrency` sends in flight through the one HTTP client, and records
 * each attempt and its outcome in batches. Nothing here runs in a request.
 */
export function startDeliveryWorker(deps: Deps, settings: DeliverySettings, log: Log): DeliveryWorker {
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  // A wake with nobody waiting is remembered, so work that arrives mid-loop is not left for the next poll.
  let woken = false;
  const finished: Array<{ delivery: DeliveryRow; result: AttemptResult }> = [];
  const inFlight = new Set<Promise<void>>();
  const aborter = new AbortController();
  // Every send in flight listens for the abort at shutdown.
  setMaxListeners(settings.concurrency + 10, aborter.signal);

  const wake = () => {
    const resolve = wakeUp;
    wakeUp = undefined;
    if (resolve) resolve();
    else woken = true;
  };
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) {
        woken = false;
        return resolve();
      }
      const timer = setTimeout(() => wake(), ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  function launch(delivery: DeliveryRow, webhook: WebhookRow | undefined) {
    const task = sendDelivery(deps.masterKey, settings, delivery, webhook, aborter.signal)
      .catch((error: unknown): AttemptResult => ({ ok: false, error: `could not send: ${error instanceof Error ? error.message : String(error)}`, durationMs: 0, request: { url: delivery.url, headers: {}, body: delivery.body } }))
      .then((result) => {
        finished.push({ delivery, result });
        inFlight.delete(task);
        wake();
      });
    inFlight.add(task);
  }

  async function flush() {
    if (finished.length === 0) return;
    const batch = finished.splice(0, finished.length);
    // A send cut short by shutdown is not an attempt: its claim is released for the next worker.
    const aborted = batch.filter((f) => f.result.aborted).map((f) => f.delivery.id);
    const settled = batch.filter((f) => !f.result.aborted).map(({ delivery, result }) => ({ delivery, ...settle(delivery, result) }));
    try {
      await recordAttempts(deps.db, settled.map((s) => ({ id: s.delivery.id, update: s.update, attempt: s.attempt })));
      if (aborted.length) await releaseClaims(deps.db, aborted);
    } catch (error) {
      finished.unshift(...batch);
      throw error;
    }
    for (const s of settled) {
      if (s.update.status === 'dead') {
        log.warn({ deliveryId: s.delivery.id, kind: s.delivery.kind, webhookId: s.delivery.webhook_id, eventType: s.delivery.event_type, attempts: s.update.attempts, error: s.update.last_error }, 'delivery is dead after its last attempt');
      } else if (s.update.status === 'pending') {
        log.debug({ deliveryId: s.delivery.id, attempts: s.update.attempts, next: s.update.next_attempt_at, error: s.update.last_error }, 'delivery attempt failed; will retry');
      }
    }
  }

  async function claimAndSend(): Promise<number> {
    const free = settings.concurrency - inFlight.size;
    if (free <= 0) return 0;
    const now = Date.now();
    const claimed = await claimDue(deps.db, deps.dialect, new Date(now).toISOString(), new Date(now + settings.timeoutMs + LEASE_MARGIN_MS).toISOString(), free);
    if (claimed.length === 0) return 0;
    const hooks = await findWebhooksById(deps.db, [...new Set(claimed.map((d) => d.webhook_id).filter((id): id is string => id !== null))]);
    const byId = new Map(hooks.map((w) => [w.id, w]));
    for (const delivery of claimed) launch(delivery, delivery.webhook_id ? byId.get(delivery.webhook_id) : undefined);
    return claimed.length;
  }

  const loop = (async () => {
    while (!stopping) {
      let more = false;
      try {
        const dispatched = await dispatchEvents(deps.db, deps.dialect, DISPATCH_BATCH);
        const free = settings.concurrency - inFlight.size;
        const claimed = await claimAndSend();
        await flush();
        more = dispatched === DISPATCH_BATCH || (free > 0 && claimed === free) || finished.length > 0;
      } catch (error) {
        if (stopping) break;
        log.warn({ err: error }, 'delivery worker could not reach the database; trying again');
        await idle(Math.max(settings.pollMs, 1000));
        continue;
      }
      if (!more && !stopping) await idle(settings.pollMs);
    }
  })();

  return {
    wake,
    async stop(graceMs = Math.min(settings.timeoutMs, 5000)) {
      stopping = true;
      wake();
      const deadline = Date.now() + graceMs;
      // A database that went away under the worker can leave a query that never settles: the
      // wait is bounded, and whatever was not recorded is sent again by the next worker.
      await within(loop, graceMs);
      if (inFlight.size) {
        await within(Promise.all(inFlight), Math.max(0, deadline - Date.now()));
        aborter.abort();
        await within(Promise.all(inFlight), 1000);
      }
      await within(flush().catch((error: unknown) => log.warn({ err: error }, 'could not record the last delivery attempts; they will be sent again')), 2000);
    },
  };
}
