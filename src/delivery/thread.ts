import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { onEventsQueued } from '../services/outbox.js';
import { isMemoryDatabase } from '../store/database-url.js';
import { within, type DeliverySettings, type DeliveryWorker, type Log } from './worker.js';
import type { FromThread, ThreadData, ToThread } from './thread-entry.js';

/**
 * A thread that died is started again after this long; one that died before its worker started
 * (its database would not open, say) waits twice as long as the last, up to a minute.
 */
const RESTART_AFTER_MS = 1000;
const MAX_RESTART_AFTER_MS = 60_000;
/** Beyond the grace it was given, a stopping thread has this long to record and close before it is ended. */
const STOP_MARGIN_MS = 8000;
/** How long an ended thread is waited for before it is left to end with the process. */
const TERMINATE_WITHIN_MS = 2000;

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
  let thread: Worker | undefined;
  let ready = false;
  let restart: NodeJS.Timeout | undefined;
  let restartAfter = RESTART_AFTER_MS;
  let exited: Promise<void> = Promise.resolve();
  const url = entry();
  if (!url) throw new Error('the delivery thread has no built module: run `npm run build`');

  const start = () => {
    const data: ThreadData = { databaseUrl: options.databaseUrl, poolSize: options.poolSize, masterKey: new Uint8Array(options.masterKey), settings: options.settings, debug: log.isLevelEnabled?.('debug') ?? false };
    const current = new Worker(url, { workerData: data });
    thread = current;
    ready = false;
    current.on('message', (message: FromThread) => {
      if ('ready' in message) {
        ready = true;
        restartAfter = RESTART_AFTER_MS;
      }
      else if ('log' in message) log[message.log](message.object, message.message);
    });
    current.on('error', (error) => log.error({ err: error }, 'the delivery thread failed'));
    // An idle server's thread must not keep a process alive that has nothing else to do; it is
    // referenced again while it stops.
    current.unref();
    exited = new Promise<void>((resolve) =>
      current.once('exit', (code) => {
        if (thread === current) thread = undefined;
        resolve();
        if (!stopping) {
          log.warn({ code, restartInMs: restartAfter }, 'the delivery thread ended; starting it again');
          restart = setTimeout(start, restartAfter);
          if (!ready) restartAfter = Math.min(restartAfter * 2, MAX_RESTART_AFTER_MS);
        }
      }),
    );
  };
  start();

  const post = (message: ToThread) => {
    if (ready) thread?.postMessage(message);
  };
  const unsubscribe = onEventsQueued(() => post('queued'));

  return {
    runsIn: 'thread',
    current: () => thread,
    wake: () => post('wake'),
    async stop(graceMs = Math.min(options.settings.timeoutMs, 5000)) {
      if (stopping) return exited;
      stopping = true;
      unsubscribe();
      clearTimeout(restart);
      const current = thread;
      if (!current) return;
      // Ending a thread takes effect once it is back in JavaScript: one stuck in a native call
      // would keep the server from closing, so it is waited for this long after being ended.
      const end = async () => {
        void current.terminate();
        if (!(await within(exited, TERMINATE_WITHIN_MS))) {
          log.warn({}, 'the delivery thread did not end when told to; leaving it (it ends with the process)');
          current.unref();
        }
      };
      // Still starting: it has claimed nothing yet (it says ready once its worker runs).
      if (!ready) return end();
      current.ref();
      current.postMessage({ stop: graceMs } satisfies ToThread);
      if (!(await within(exited, graceMs + STOP_MARGIN_MS))) {
        log.warn({ graceMs }, 'the delivery thread did not stop in time; ending it (its claims lapse and are sent again)');
        await end();
      }
    },
  };
}
