import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { ownThread, type ThreadStop } from '../lib/owned-thread.js';

/** How often the checkpointing thread copies the write-ahead log into the database file. */
const EVERY_MS = 100;
/**
 * The connection's own checkpoint stays as a safety net, far above what the thread lets the log
 * reach: it runs only if the thread stops keeping up (or failed to start).
 */
export const SAFETY_NET_PAGES = 20_000;
/** A thread that has not closed its connection by then is ended. */
const STOP_WITHIN_MS = 2000;
/** SQLite's default, restored if the thread fails. */
const DEFAULT_PAGES = 1000;

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
export function checkpointInBackground(sqlite: SqliteDatabase, file: string): { stop(): Promise<ThreadStop> } {
  sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: EVERY_MS },
  });
  // Most of a thread's start-up is Node's own and loading better-sqlite3, and a message waits until
  // its connection is open: a process closing its database soon after opening it would wait that
  // long for nothing. Before 'ready' the thread has neither read nor written the file (opening a
  // connection takes no lock and reads nothing), so it is ended without being waited for. If it is
  // inside the native open call, that call runs to its end, and better-sqlite3 closes the
  // connections of a thread that ends; Node joins the thread at the latest when the process exits.
  // 'ready' may also be posted but not yet received here: the thread is then idle or inside a
  // checkpoint, which likewise runs to its end before the thread does. A checkpoint cut short by
  // the end of a thread that overstays is safe: the log stays until one completes.
  const thread = ownThread(worker, { isReady: (message) => message === 'ready' });
  worker.on('error', () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  });
  return { stop: () => thread.stop('stop', STOP_WITHIN_MS) };
}
