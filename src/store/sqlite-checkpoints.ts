import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Database as SqliteDatabase } from 'better-sqlite3';

/** How often the checkpointing thread copies the write-ahead log into the database file. */
const EVERY_MS = 100;
/**
 * The connection's own checkpoint stays as a safety net, far above what the thread lets the log
 * reach: it runs only if the thread stops keeping up (or failed to start).
 */
const SAFETY_NET_PAGES = 20_000;
/** A thread that has not closed its connection by then is ended (a checkpoint cut short is safe: the log stays until one completes). */
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
export function checkpointInBackground(sqlite: SqliteDatabase, file: string): { stop(): Promise<void> } {
  sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: EVERY_MS },
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  });
  return {
    async stop() {
      // Referenced again while it winds down: an unreferenced thread's exit would not keep the
      // process alive, and a server closing its database would end before it finished closing.
      worker.ref();
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), STOP_WITHIN_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
