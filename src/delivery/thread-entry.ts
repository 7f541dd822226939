import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database.js';
import { announceEventsQueued } from '../services/outbox.js';
import { startDeliveryWorker, type DeliverySettings } from './worker.js';
import { withOutboxNotifications } from './outbox-notifications.js';

/** What the server hands its delivery thread (see thread.ts). */
export interface ThreadData {
  databaseUrl: string;
  poolSize: number;
  masterKey: Uint8Array;
  settings: DeliverySettings;
  /** Whether the server's log takes debug lines: the thread does not send those it would drop. */
  debug: boolean;
}

/** Messages from the server: events were queued there, look now, or stop within `stop` ms. */
export type ToThread = 'queued' | 'wake' | { stop: number };
/** Messages to the server: started, a log line for its log, or stopped (its connection closed). */
export type FromThread = { ready: true } | { log: 'warn' | 'debug'; object: object; message: string } | { stopped: true };

// The delivery worker of a server process, run in a thread of its own with its own connection.
const port = parentPort!;
const data = workerData as ThreadData;
// The server's connection checkpoints from its own thread (database.ts).
const handle = openDatabase(data.databaseUrl, { checkpointedElsewhere: true, poolSize: data.poolSize });
const send = (message: FromThread) => port.postMessage(message);
const log = {
  warn: (object: object, message: string) => send({ log: 'warn', object, message }),
  debug: (object: object, message: string) => {
    if (data.debug) send({ log: 'debug', object, message });
  },
};
const worker = withOutboxNotifications(startDeliveryWorker({ db: handle.db, dialect: handle.dialect, masterKey: Buffer.from(data.masterKey) }, data.settings, log, handle.fileVersion), data.databaseUrl, log);
port.on('message', (message: ToThread) => {
  if (message === 'queued') announceEventsQueued();
  else if (message === 'wake') worker.wake();
  else
    void worker
      .stop(message.stop)
      .finally(() => handle.close())
      .finally(() => {
        send({ stopped: true });
        port.close();
      });
});
send({ ready: true });
