import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ownThread } from '../src/lib/owned-thread.js';

// Threads given as text: one that says ready and ends when asked, one that says ready and ignores
// the request, and one that never says ready.
const OBEYS = `
const { parentPort } = require('node:worker_threads');
const timer = setInterval(() => {}, 1000);
parentPort.postMessage('ready');
parentPort.on('message', () => { clearInterval(timer); parentPort.close(); });
`;
const IGNORES = `
const { parentPort } = require('node:worker_threads');
setInterval(() => {}, 1000);
parentPort.postMessage('ready');
parentPort.on('message', () => {});
`;
const SILENT = `setInterval(() => {}, 1000);`;

const isReady = (message: unknown) => message === 'ready';

async function readyThread(code: string) {
  const worker = new Worker(code, { eval: true });
  const owned = ownThread(worker, { isReady });
  const started = Date.now();
  while (!owned.ready && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 10));
  expect(owned.ready).toBe(true);
  return { worker, owned };
}

describe('a thread the process owns', () => {
  it('ends by itself when asked, and says it closed', async () => {
    const { owned } = await readyThread(OBEYS);
    expect(await owned.stop('stop', 5000)).toBe('closed');
    await owned.exited;
  });

  it('is ended once it overstays the time it was given, and says it timed out', async () => {
    const { worker, owned } = await readyThread(IGNORES);
    const code = new Promise<number>((r) => worker.once('exit', r));
    expect(await owned.stop('stop', 300)).toBe('timed-out');
    // Ended from outside (exit code 1), not by itself.
    expect(await code).toBe(1);
  });

  it('is ended without being asked or waited for before it says it is ready', async () => {
    const worker = new Worker(SILENT, { eval: true });
    const owned = ownThread(worker, { isReady });
    expect(owned.ready).toBe(false);
    expect(await owned.stop('stop', 5000)).toBe('terminated');
    await owned.exited;
  });

  it('answers a second stop with the first one\'s outcome, asking only once', async () => {
    const { worker, owned } = await readyThread(OBEYS);
    let asked = 0;
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message: unknown) => {
      asked++;
      post(message);
    };
    const [first, second] = await Promise.all([owned.stop('stop', 5000), owned.stop('stop', 5000)]);
    expect([first, second]).toEqual(['closed', 'closed']);
    expect(asked).toBe(1);
  });

  it('does not keep an idle process alive; control: a thread not owned does', async () => {
    const module = pathToFileURL(resolve('dist/lib/owned-thread.js')).href;
    const run = (owned: boolean) =>
      new Promise<string>((done) => {
        const script = `
          const { Worker } = require('node:worker_threads');
          const worker = new Worker(${JSON.stringify(OBEYS)}, { eval: true });
          ${owned ? `import(${JSON.stringify(module)}).then(({ ownThread }) => ownThread(worker, { isReady: (m) => m === 'ready' }));` : "worker.on('message', () => {});"}
        `;
        const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          done('kept alive');
        }, 3000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          done(`ended with ${code}`);
        });
      });
    expect(await run(true)).toBe('ended with 0');
    expect(await run(false)).toBe('kept alive');
  });
});
