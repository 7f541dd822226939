import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { onEventsQueued } from '../services/outbox.js';
import { isMemoryDatabase } from '../store/database-url.js';
import type { DeliverySettings, DeliveryWorker, Log } from './worker.js';
import { ownThread, type OwnedThread } from '../lib/owned-thread.js';
import type { FromThread, ThreadData, ToThread } from './thread-entry.js';

/**
 * A thread that died is started again after this long; one that died before its worker started
 * (its database would not open, say) waits twice as long as the last, up to a minute.
 */
const RESTART_AFTER_MS = 1000;
const MAX_RESTART_AFTER_MS = 60_000;
/** Beyond the grace it was given, a stopping thread has this long to record and close before it is ended. */
const STOP_MARGIN_MS = 8000;

export interface ThreadOptions {
  databaseUrl: string;
  /** PostgreSQL connections the thread opens for itself. */
  poolSize: number;
  masterKey: Buffer;
  settings: DeliverySettings;
}

/**
 * The thread's module. Run from sources (the tests, `npm run dev`), the server's thread runs the
 * built one, which the test setup and `npm run dev` bring up to date first (a loader for
 * TypeScript does not reach threads on every supported Node); without a build the worker runs in
 * the process.
 */
function entry(): URL | undefined {
  if (!import.meta.url.endsWith('.ts')) return new URL('./thread-entry.js', import.meta.url);
  const built = new URL('../../dist/delivery/thread-entry.js', import.meta.url);
  return existsSync(built) ? built : undefined;
}

/**
 * Whether a server with these settings runs its delivery worker in a thread (DELIVERY_THREAD): not
 * over a SQLite database in memory, which no other connection can open.
 */
export function deliversInThread(settings: DeliverySettings, databaseUrl: string): boolean {
  return settings.thread && !isMemoryDatabase(databaseUrl) && entry() !== undefined;
}

export interface DeliveryThread extends DeliveryWorker {
  /** The thread running now (none while one that ended waits to be started again). */
  current(): Worker | undefined;
}

/**
 * The delivery worker (worker.ts) in a thread of its own, with its own database connection.
 *
 * In the server's main thread, a delivery's statements (on SQLite their execution too, which runs
 * on the thread that issues it), its request and the handling of its answer take time from the
 * API's requests, and under load the API's rate falls with every webhook subscribed. In a thread
 * they run on another core. On SQLite the thread's transactions begin IMMEDIATE like the
 * server's and are short (one per batch), so the two connections take turns at the write lock;
 * on PostgreSQL the thread has a pool of its own. Nothing else changes: claims, leases and
 * records are the same rows, so a thread that dies leaves what it held to lapse and be sent
 * again, as a process that dies does; it is started again after a second.
 *
 * Events queued by the server's requests are announced to the thread, which looks at the outbox
 * as an in-process worker would.
 */
export function startDeliveryThread(options: ThreadOptions, log: Log & { error(object: object, message: string): void; isLevelEnabled?(level: string): boolean }): DeliveryThread {
  let stopping = false;
  let thread: { worker: Worker; owned: OwnedThread } | undefined;
  let restart: NodeJS.Timeout | undefined;
  let restartAfter = RESTART_AFTER_MS;
  const url = entry();
  if (!url) throw new Error('the delivery thread has no built module: run `npm run build`');

  const start = () => {
    const data: ThreadData = { databaseUrl: options.databaseUrl, poolSize: options.poolSize, masterKey: new Uint8Array(options.masterKey), settings: options.settings, debug: log.isLevelEnabled?.('debug') ?? false };
    const worker = new Worker(url, { workerData: data });
    // Ready once its worker runs: before that it has claimed nothing.
    const owned = ownThread(worker, {
      isReady: (message) => 'ready' in (message as FromThread),
      onMessage: (raw) => {
        const message = raw as FromThread;
        if ('ready' in message) restartAfter = RESTART_AFTER_MS;
        else if ('log' in message) log[message.log](message.object, message.message);
      },
    });
    const current = { worker, owned };
    thread = current;
    worker.on('error', (error) => log.error({ err: error }, 'the delivery thread failed'));
    worker.once('exit', (code) => {
      if (thread === current) thread = undefined;
      if (!stopping) {
        log.warn({ code, restartInMs: restartAfter }, 'the delivery thread ended; starting it again');
        restart = setTimeout(start, restartAfter);
        if (!owned.ready) restartAfter = Math.min(restartAfter * 2, MAX_RESTART_AFTER_MS);
      }
    });
  };
  start();

  const post = (message: ToThread) => {
    if (thread?.owned.ready) thread.worker.postMessage(message);
  };
  const unsubscribe = onEventsQueued(() => post('queued'));

  let stopped: Promise<void> | undefined;
  return {
    runsIn: 'thread',
    current: () => thread?.worker,
    wake: () => post('wake'),
    stop(graceMs = Math.min(options.settings.timeoutMs, 5000)) {
      stopping = true;
      return (stopped ??= (async () => {
        unsubscribe();
        clearTimeout(restart);
        const current = thread;
        if (!current) return;
        const how = await current.owned.stop({ stop: graceMs } satisfies ToThread, graceMs + STOP_MARGIN_MS);
        if (how === 'timed-out' || how === 'stuck') log.warn({ graceMs }, 'the delivery thread did not stop in time; ended it (its claims lapse and are sent again)');
        if (how === 'stuck') log.warn({}, 'the delivery thread did not end when told to; leaving it (it ends with the process)');
      })());
    },
  };
}
