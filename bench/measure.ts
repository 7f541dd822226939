import autocannon from 'autocannon';

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  count: number;
  errors: number;
}

/**
 * Drives the server over HTTP for `seconds` with `connections` concurrent clients; `next` makes
 * each request (signed afresh, so every nonce is new). Answers whose envelope is not
 * statusCode 200 count as errors: a fast wrong answer is not a result.
 */
export async function loadTest(
  url: string,
  next: () => { method: string; path: string; headers: Record<string, string>; body?: string },
  options: { seconds: number; connections: number; amount?: number; rate?: number; onBody?: (body: string) => void; ok?: (status: number, body: string) => boolean },
): Promise<Figures> {
  const ok = options.ok ?? ((status: number, body: string) => status === 200 && body.includes('"statusCode":200'));
  let businessErrors = 0;
  const started = performance.now();
  let lastResponse = started;
  const result = await autocannon({
    url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.seconds }),
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => ({ ...request, ...next() }),
        onResponse: (status: number, body: string) => {
          lastResponse = performance.now();
          if (!ok(status, body)) businessErrors++;
          options.onBody?.(body);
        },
      },
    ],
  } as unknown as autocannon.Options);
  // autocannon's own average is over whole-second samples, and a run of a fixed number of
  // requests only ends at its next one-second tick: 1000 requests answered in 2.2 s read as
  // 1000/3. For such runs the time from start to the last answer is exact; a timed run lasts
  // the time it was given.
  const seconds = options.amount ? (lastResponse - started) / 1000 : options.seconds;
  return {
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    count: result.requests.total,
    errors: businessErrors + result.errors + result.non2xx,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * The baseline: the same work without HTTP, for `seconds` or `amount` calls, by `concurrency`
 * callers at once (work that waits on a thread pool, such as password hashing, needs several).
 */
export async function loop(work: (i: number) => Promise<unknown>, options: { seconds: number; amount?: number; concurrency?: number }): Promise<Figures> {
  const durations: number[] = [];
  const start = performance.now();
  const end = start + options.seconds * 1000;
  let i = 0;
  const worker = async () => {
    while (options.amount ? i < options.amount : performance.now() < end) {
      const t0 = performance.now();
      await work(i++);
      durations.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
  const elapsed = (performance.now() - start) / 1000;
  durations.sort((a, b) => a - b);
  return { rps: i / elapsed, p50: percentile(durations, 50), p99: percentile(durations, 99), count: i, errors: 0 };
}
