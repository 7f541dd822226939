import type { Deps } from '../services/context.js';
import { dispatchEvents, fillBodies, settle, type AttemptResult } from '../services/deliveries.js';
import { claimDue, recordAttempts, releaseClaims, type DeliveryRow } from '../store/deliveries.js';
import { findWebhooksById, type WebhookRow } from '../store/webhooks.js';
import { setMaxListeners } from 'node:events';
import { sendDelivery } from './send.js';
import { onEventsQueued } from '../services/outbox.js';
import { within } from '../lib/within.js';

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
  /**
   * Run the worker in a thread of its own with its own connection (DELIVERY_THREAD), so that its
   * statements, requests and answers take no time from the API's requests (see delivery/thread.ts).
   */
  thread: boolean;
}

export const DEFAULT_DELIVERY: DeliverySettings = { timeoutMs: 10_000, pollMs: 250, concurrency: 32, refusePrivate: false, maxResponseBytes: 4096, thread: true };

export interface Log {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface DeliveryWorker {
  /** Where the worker runs: in the server's main thread, or in a thread of its own (thread.ts). */
  readonly runsIn: 'process' | 'thread';
  /** Look for work now instead of at the next poll. */
  wake(): void;
  /**
   * Stops taking work, lets sends in flight finish for up to `graceMs`, then aborts the rest and
   * releases their claims so another process (or this one after a restart) sends them at once.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Deliveries a worker holds (claimed and queued, or in flight), in multiples of its concurrency.
 * A deeper queue means fewer, larger visits to the database per delivery sent (each visit costs
 * a transaction whatever it carries); it is refilled, and finished sends are recorded, once
 * BATCH times the concurrency is free or finished.
 */
const DEPTH = 6;
const BATCH = 2;
/**
 * A claim outlives the time its send may take by this much, so it only lapses if its process
 * died (or could not record the outcome): then another worker sends again, with the same
 * webhook-id.
 */
const LEASE_MARGIN_MS = 5_000;
/** Finished sends wait at most this long to be recorded together (one transaction for many). */
const RECORD_WITHIN_MS = 20;
/**
 * While events keep coming the worker looks this often instead of every DELIVERY_POLL_MS, so a
 * steady stream is picked up within tens of milliseconds; an idle worker polls at DELIVERY_POLL_MS.
 */
const BUSY_POLL_MS = 25;
/**
 * SQLite: how often an idle worker asks whether another connection committed (data_version, no
 * table read), so events committed by another process (a CLI's bulk resignation, a second
 * server) are looked at within this, not at the next DELIVERY_POLL_MS.
 */
const WATCH_MS = BUSY_POLL_MS;
/**
 * Events queued by this process bring the next look forward, but never closer than this to the
 * previous one: an idle worker picks the first events up at once, while under many small requests
 * it looks no more often than a busy worker polls (a look per request would take the database
 * from the requests themselves).
 */
const QUEUED_LOOK_GAP_MS = BUSY_POLL_MS;

/**
 * The delivery worker: one per server process. It fans committed outbox events out to the
 * webhooks that subscribe to them, claims due deliveries (its own claims keep other processes
 * off them), keeps up to `concurrency` sends in flight through the one HTTP client, and records
 * each attempt and its outcome in batches. Nothing here runs in a request.
 *
 * The database is visited per batch, never per send: deliveries are claimed into a local queue
 * (up to DEPTH times the concurrency, in flight included) from which a finished send starts the
 * next one at once, and outcomes are recorded together (when BATCH times the concurrency has
 * finished, or within RECORD_WITHIN_MS). Each visit is one transaction that records outcomes,
 * claims due deliveries (retries first) and, with the room left, takes outbox events and makes their
 * deliveries already claimed: a burst costs one commit per visit, and a first attempt's delivery
 * is written twice (made, settled) rather than three times. Events wait in the outbox, not as
 * delivery rows, until there is room to send them.
 * A delivery queued at position p waits at most ceil(p / concurrency) timeouts for a slot (each
 * send ends within its timeout), so its lease covers that and its own send.
 */
export function startDeliveryWorker(
  deps: Pick<Deps, 'db' | 'dialect' | 'masterKey'>, settings: DeliverySettings, log: Log,
  /** SQLite: the database handle's `fileVersion`, watched while idle (see WATCH_MS). */
  fileVersion?: () => number,
): DeliveryWorker {
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  // A wake with nobody waiting is remembered, so work that arrives mid-loop is not left for the next poll.
  let woken = false;
  // Look at the outbox on the next turn: set by wake(), by a take that got all it asked for, and
  // kept while a look waits for room to send what it would take.
  let lookDue = true;
  // The last claim took all it asked for: more is due, claim again as soon as there is room.
  let backlog = false;
  // When to look next. A deadline rather than a timer: wakes from finished sends must not push it back.
  let nextLook = 0;
  let lastLook = 0;
  // Events were queued in this process since the last look: their transaction may not have
  // committed when the look ran, so the next look comes soon even if it found nothing.
  let queuedHere = false;
  let recordTimer: NodeJS.Timeout | undefined;
  const finished: Array<{ delivery: DeliveryRow; result: AttemptResult }> = [];
  const queue: Array<{ delivery: DeliveryRow; webhook: WebhookRow | undefined }> = [];
  const inFlight = new Set<Promise<void>>();
  const aborter = new AbortController();
  // Every send in flight listens for the abort at shutdown.
  setMaxListeners(settings.concurrency + 10, aborter.signal);
  const batchSize = settings.concurrency * BATCH;
  const capacity = settings.concurrency * DEPTH;
  // Room for a batch: time to claim (and take events) again.
  const hasRoom = () => inFlight.size + queue.length <= capacity - batchSize;
  // Due deliveries that are not fresh from the outbox (retries, lapsed claims, deliveries made in
  // requests) are looked for at most once per poll, or at once while the last look found more:
  // looking costs a scan of the claimed ones too, and a burst looks at the outbox every visit.
  let nextClaim = 0;

  const resume = () => {
    const resolve = wakeUp;
    wakeUp = undefined;
    if (resolve) resolve();
    else woken = true;
  };
  const wake = () => {
    lookDue = true;
    resume();
  };
  const unsubscribe = onEventsQueued(() => {
    queuedHere = true;
    const at = Math.max(Date.now(), lastLook + QUEUED_LOOK_GAP_MS);
    if (at < nextLook) {
      nextLook = at;
      resume();
    }
  });
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) {
        woken = false;
        return resolve();
      }
      const timer = setTimeout(resume, ms);
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
        pump();
        // The loop records in batches, and claims again once a batch's room is free; the last
        // sends of a burst are recorded within RECORD_WITHIN_MS.
        if (finished.length >= batchSize || ((backlog || lookDue) && hasRoom())) resume();
        else recordTimer ??= setTimeout(() => {
          recordTimer = undefined;
          resume();
        }, RECORD_WITHIN_MS);
      });
    inFlight.add(task);
  }

  /** Starts queued sends while slots are free. */
  function pump() {
    while (!stopping && inFlight.size < settings.concurrency && queue.length > 0) {
      const next = queue.shift()!;
      launch(next.delivery, next.webhook);
    }
  }

  /**
   * One visit to the database, in one transaction: records the finished sends and, when there is
   * room, claims due deliveries (retries, lapsed claims, deliveries made in requests) if `claim`
   * is set (setting `backlog` when the claim was full) and, if `look` is set, takes outbox events
   * with the room left, making their deliveries claimed. Answers whether it looked: without room
   * a look waits.
   */
  async function visit(look: boolean, claim: boolean): Promise<{ looked: boolean; dispatched: number; full: boolean; found: number }> {
    const held = inFlight.size + queue.length;
    const room = (claim || look) && hasRoom() ? capacity - held : 0;
    const looking = look && room > 0;
    if (!looking && finished.length === 0 && room === 0) return { looked: false, dispatched: 0, full: false, found: 0 };
    const batch = finished.splice(0, finished.length);
    // A send cut short by shutdown is not an attempt: its claim is released for the next worker.
    const aborted = batch.filter((f) => f.result.aborted).map((f) => f.delivery.id);
    // One instant for the batch, so its outcomes group into few statements.
    const now = Date.now();
    const settled = batch.filter((f) => !f.result.aborted).map(({ delivery, result }) => ({ delivery, ...settle(delivery, result, now) }));
    const leaseFor = (position: number) => new Date(now + (Math.ceil(position / settings.concurrency) + 1) * settings.timeoutMs + LEASE_MARGIN_MS).toISOString();
    let done: { claimed: DeliveryRow[]; hooks: WebhookRow[]; due: number; events: number };
    try {
      done = await deps.db.transaction().execute(async (trx) => {
        await recordAttempts(trx, settled.map((s) => ({ id: s.delivery.id, update: s.update, attempt: s.attempt })));
        if (aborted.length) await releaseClaims(trx, aborted);
        const claimed = claim && room ? await claimDue(trx, deps.dialect, new Date(now).toISOString(), leaseFor(held + room), room) : [];
        const hooks = claimed.length ? await findWebhooksById(trx, [...new Set(claimed.map((d) => d.webhook_id).filter((id): id is string => id !== null))]) : [];
        await fillBodies(trx, claimed);
        const left = room - claimed.length;
        const made = looking && left > 0 ? await dispatchEvents(trx, deps.dialect, left, (count) => leaseFor(held + claimed.length + count)) : { events: 0, claimed: [], webhooks: [] };
        return { claimed: [...claimed, ...made.claimed], hooks: [...hooks, ...made.webhooks], due: claimed.length, events: made.events };
      });
    } catch (error) {
      finished.unshift(...batch);
      throw error;
    }
    if (claim && room) {
      backlog = done.due === room;
      nextClaim = now + settings.pollMs;
    }
    const byId = new Map(done.hooks.map((w) => [w.id, w]));
    for (const delivery of done.claimed) queue.push({ delivery, webhook: delivery.webhook_id ? byId.get(delivery.webhook_id) : undefined });
    pump();
    for (const s of settled) {
      if (s.update.status === 'dead') {
        log.warn({ deliveryId: s.delivery.id, kind: s.delivery.kind, webhookId: s.delivery.webhook_id, eventType: s.delivery.event_type, attempts: s.update.attempts, error: s.update.last_error }, 'delivery is dead after its last attempt');
      } else if (s.update.status === 'pending') {
        log.debug({ deliveryId: s.delivery.id, attempts: s.update.attempts, next: s.update.next_attempt_at, error: s.update.last_error }, 'delivery attempt failed; will retry');
      }
    }
    // Every event it asked for came: more may wait in the outbox.
    const left = room - done.due;
    return { looked: looking && left > 0, dispatched: done.events, full: looking && left > 0 && done.events === left, found: done.claimed.length };
  }

  /** Records the finished sends. */
  const flush = () => visit(false, false);

  let seenVersion = fileVersion?.();
  /** Whether another connection committed since the last time this was asked. */
  const committedElsewhere = () => {
    if (!fileVersion) return false;
    const version = fileVersion();
    if (version === seenVersion) return false;
    seenVersion = version;
    return true;
  };

  const loop = (async () => {
    while (!stopping) {
      let more = false;
      try {
        // What another connection committed may be events or due deliveries (a resend, say).
        if (committedElsewhere()) {
          lookDue = true;
          nextClaim = 0;
        }
        const look = lookDue || Date.now() >= nextLook;
        lookDue = false;
        let found = false;
        const lookAt = Date.now();
        if (look) {
          found = queuedHere;
          queuedHere = false;
        }
        const visited = await visit(look, backlog || (look && Date.now() >= nextClaim));
        if (look && !visited.looked) {
          // No room to send what the look would take: it waits for room (queued events stay noted).
          lookDue = true;
          queuedHere ||= found;
        } else if (look) {
          lastLook = lookAt;
          // A full take leaves more in the outbox: look again as soon as there is room.
          if (visited.full) lookDue = true;
          found ||= visited.dispatched > 0 || visited.found > 0;
          // Events queued here during the look are looked at again at once (after the gap).
          nextLook = queuedHere ? Math.max(Date.now(), lastLook + QUEUED_LOOK_GAP_MS) : Date.now() + (found ? Math.min(settings.pollMs, BUSY_POLL_MS) : settings.pollMs);
        }
        more = (backlog || lookDue) && hasRoom();
      } catch (error) {
        if (stopping) break;
        // SQLite's lock wait ran out (another connection held the write lock past busy_timeout):
        // the database is there, only busy.
        const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY';
        log.warn({ err: error }, busy ? 'delivery worker waited past busy_timeout for the write lock; trying again' : 'delivery worker could not reach the database; trying again');
        nextLook = Date.now() + Math.max(settings.pollMs, 1000);
        await idle(nextLook - Date.now());
        continue;
      }
      if (more || stopping) continue;
      // Until the next look (sooner while events keep coming), a wake, a batch of finished
      // sends or room for a backlog or a waiting look (a finished send wakes the loop for those).
      const until = lookDue ? settings.pollMs : Math.max(0, nextLook - Date.now());
      await idle(fileVersion ? Math.min(until, WATCH_MS) : until);
    }
  })();

  return {
    runsIn: 'process',
    wake,
    async stop(graceMs = Math.min(settings.timeoutMs, 5000)) {
      stopping = true;
      unsubscribe();
      clearTimeout(recordTimer);
      resume();
      const deadline = Date.now() + graceMs;
      // A database that went away under the worker can leave a query that never settles: the
      // wait is bounded, and whatever was not recorded is sent again by the next worker.
      await within(loop, graceMs);
      // Claimed but never started: given back at once.
      const unsent = queue.splice(0, queue.length).map((q) => q.delivery.id);
      if (unsent.length) await within(releaseClaims(deps.db, unsent).catch((error: unknown) => log.warn({ err: error }, 'could not release unsent claims; they lapse with their lease')), 2000);
      if (inFlight.size) {
        await within(Promise.all(inFlight), Math.max(0, deadline - Date.now()));
        aborter.abort();
        await within(Promise.all(inFlight), 1000);
      }
      await within(flush().catch((error: unknown) => log.warn({ err: error }, 'could not record the last delivery attempts; they will be sent again')), 2000);
    },
  };
}
