import type { Worker } from 'node:worker_threads';
import { within } from './within.js';

/** How long an ended thread is waited for before it is left to end with the process. */
const TERMINATE_WITHIN_MS = 2000;

/**
 * How an owned thread stopped:
 * - `terminated`: it had not said it was ready, so it held nothing and was ended without being waited for;
 * - `closed`: it ended by itself when asked;
 * - `timed-out`: it had not ended within the time it was given, and was ended;
 * - `stuck`: it did not end even then (ending takes effect only once a thread is back in
 *   JavaScript, and one can be stuck in a native call); it is left to end with the process.
 */
export type ThreadStop = 'terminated' | 'closed' | 'timed-out' | 'stuck';

export interface OwnedThread {
  /** Whether the thread has said it is ready. */
  readonly ready: boolean;
  /** Settles once the thread has exited, however it stopped. */
  readonly exited: Promise<void>;
  /** Asks a ready thread to stop with `message` and waits `withinMs` for it (see ThreadStop); idempotent. */
  stop(message: unknown, withinMs: number): Promise<ThreadStop>;
}

/**
 * The life of a thread a server keeps beside its event loop (the checkpointing and delivery
 * threads): it does not keep an idle process alive, and it is referenced again while it stops, so
 * that a process closing down waits for it to finish. A thread says it is ready once it holds
 * something worth stopping cleanly (an open connection, claims); before that it is simply ended.
 */
export function ownThread(worker: Worker, options: { isReady(message: unknown): boolean; onMessage?(message: unknown): void }): OwnedThread {
  let ready = false;
  worker.on('message', (message: unknown) => {
    if (!ready && options.isReady(message)) ready = true;
    options.onMessage?.(message);
  });
  // After the listener, which would reference the thread's port again.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const stop = async (message: unknown, withinMs: number): Promise<ThreadStop> => {
    if (!ready) {
      void worker.terminate();
      return 'terminated';
    }
    worker.ref();
    worker.postMessage(message);
    if (await within(exited, withinMs)) return 'closed';
    void worker.terminate();
    if (await within(exited, TERMINATE_WITHIN_MS)) return 'timed-out';
    worker.unref();
    return 'stuck';
  };
  let stopping: Promise<ThreadStop> | undefined;
  return {
    get ready() {
      return ready;
    },
    exited,
    stop: (message, withinMs) => (stopping ??= stop(message, withinMs)),
  };
}
