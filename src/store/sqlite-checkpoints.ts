import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Database as SqliteDatabase } from 'better-sqlite3';

/** How often the checkpointing thread copies the write-ahead log into the database file. */
const EVERY_MS = 100;
/**
 * The connection's own checkpoint stays as a safety net, far above what the thread lets the log
 * reach: it runs only if the thread stops keeping up (or failed to start).
 */
export const SAFETY_NET_PAGES = 20_000;
/** A thread that has not closed its connection by then is ended (a checkpoint cut short is safe: the log stays until one completes). */
const STOP_WITHIN_MS = 2000;
/** SQLite's default, restored if the thread fails. */
const DEFAULT_PAGES = 1000;

/**
 * How the thread stopped: `terminated` before it had opened its connection (nothing to close, so
 * not waited for), `closed` its connection when asked, or `timed-out`: it had not closed it within
 * STOP_WITHIN_MS and was ended.
 */
export type CheckpointStop = 'terminated' | 'closed' | 'timed-out';

// The thread runs plain JavaScript given as text, so it needs no build step and runs the same
// from sources under test and from the built server.
const THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
parentPort.postMessage('ready');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another checkpoint is running, in this process or another): the next turn catches up.
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Moves SQLite's checkpoints off the event loop. In WAL mode each commit appends pages to the log
 * and, once the log passes 1000 pages, the committing connection copies it into the database file
 * and syncs it, inside that commit: every few dozen commits one stalls the server's only thread
 * for milliseconds (most of a commit's cost under write load). A thread with its own connection
 * instead runs a PASSIVE checkpoint every EVERY_MS, which never blocks writers or readers, and the
 * server's connection keeps its own checkpoint only as a safety net. Durability is unchanged: with
 * `synchronous = NORMAL` a commit is durable against a crash of the process either way, and the
 * log is synced at each checkpoint, wherever it runs.
 */
export function checkpointInBackground(sqlite: SqliteDatabase, file: string): { stop(): Promise<CheckpointStop> } {
  sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: EVERY_MS },
  });
  let ready = false;
  worker.on('message', (message) => {
    if (message === 'ready') ready = true;
  });
  // After the listener, which would reference the thread's port again.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  });
  let stopping: Promise<CheckpointStop> | undefined;
  const stop = async (): Promise<CheckpointStop> => {
    if (!ready) {
      // Most of a thread's start-up is Node's own and loading better-sqlite3, and a message waits
      // until its connection is open: a process closing its database soon after opening it would
      // wait that long for nothing. Before 'ready' the thread has neither read nor written the
      // file (opening a connection takes no lock and reads nothing), so it is ended without being
      // waited for. If it is inside the native open call, that call runs to its end (ending a
      // thread takes effect only once it is back in JavaScript), and better-sqlite3 closes the
      // connections of a thread that ends; Node ends and joins the thread at the latest when the
      // process exits. 'ready' may also be posted but not yet received here: the thread is then
      // idle or inside a checkpoint, which likewise runs to its end before the thread does.
      void worker.terminate();
      return 'terminated';
    }
    // Referenced again while it winds down: an unreferenced thread's exit would not keep the
    // process alive, and a server closing its database would end before it finished closing.
    worker.ref();
    worker.postMessage('stop');
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      void worker.terminate();
    }, STOP_WITHIN_MS);
    await exited;
    clearTimeout(timer);
    return late ? 'timed-out' : 'closed';
  };
  return {
    stop: () => (stopping ??= stop()),
  };
}
