import pg from 'pg';
import { announceEventsQueued } from '../services/outbox.js';
import { OUTBOX_CHANNEL } from '../store/migrations/0028_outbox_notify.js';
import { sqliteFile } from '../store/database-url.js';
import type { DeliveryWorker, Log } from './worker.js';

/** A lost listening connection is opened again after this long, doubling up to the maximum. */
const RETRY_AFTER_MS = 1000;
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * PostgreSQL: a delivery worker that also hears of events committed by other processes (other
 * nodes, a CLI) as they commit, through LISTEN on the channel the outbox's trigger notifies
 * (migration 0028), instead of at its next poll. A notification counts as events queued in this
 * process: the worker looks at once when idle, and no more often than a busy worker polls when
 * they keep coming. It holds one connection of its own, outside the pool (a listening connection
 * must stay the same one). While that connection is away the worker only polls, as before; once
 * it is back the worker looks, since events may have been committed meanwhile. SQLite gets the
 * worker unchanged.
 */
export function withOutboxNotifications(worker: DeliveryWorker, databaseUrl: string, log: Log): DeliveryWorker {
  if (sqliteFile(databaseUrl) !== undefined) return worker;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let retryAfter = RETRY_AFTER_MS;
  let lost = false;

  const again = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void listen();
    }, retryAfter);
    retryAfter = Math.min(retryAfter * 2, MAX_RETRY_AFTER_MS);
  };
  /** The current connection is gone or unusable: poll meanwhile and open another later. */
  const drop = (current: pg.Client, error: unknown) => {
    if (closed || client !== current) return;
    client = undefined;
    if (!lost) log.warn({ err: error }, 'cannot hear of new outbox events (LISTEN); polling until it can again');
    lost = true;
    void current.end().catch(() => {});
    again();
  };
  const listen = async () => {
    const current = new pg.Client({ connectionString: databaseUrl });
    client = current;
    current.on('notification', () => announceEventsQueued());
    current.on('error', (error) => drop(current, error));
    current.on('end', () => drop(current, new Error('connection ended')));
    try {
      await current.connect();
      await current.query(`listen ${OUTBOX_CHANNEL}`);
    } catch (error) {
      return drop(current, error);
    }
    if (closed || client !== current) return void current.end().catch(() => {});
    retryAfter = RETRY_AFTER_MS;
    if (lost) log.warn({}, 'hears of new outbox events again');
    lost = false;
    // What was committed while nobody listened.
    announceEventsQueued();
  };
  void listen();

  return {
    ...worker,
    async stop(graceMs?: number) {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
      await worker.stop(graceMs);
    },
  };
}
