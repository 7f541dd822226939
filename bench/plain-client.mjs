// The baseline of the webhook burst, in its own process as the delivery worker is in the server's:
// a plain Node program posting webhook bodies with as many requests in flight as the worker sends
// at once, each signed and headed as the worker signs and heads a delivery (Standard Webhooks
// HMAC over id.timestamp.body, a fresh id per request). It posts with Node's own client
// (node:http, keep-alive agent) and with undici (a pool of keep-alive connections), in turn, and
// answers the figures of each over IPC.
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { Agent } from 'undici';

function signed(secret, body) {
  const id = randomBytes(12).toString('hex');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', Buffer.from(secret, 'latin1')).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'user-agent': 'bench-plain-client',
    'x-authing-token': secret,
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

function nodeHttp(url, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  return (headers, body) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
}

function undici(url, concurrency) {
  const agent = new Agent({ connections: concurrency, pipelining: 1 });
  const target = new URL(url);
  return async (headers, body) => {
    const res = await agent.request({ origin: target.origin, path: target.pathname, method: 'POST', headers, body });
    await res.body.text();
    return res.statusCode;
  };
}

async function run(send, { secret, body, count, concurrency }) {
  const latencies = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const at = performance.now();
        const status = await send(signed(secret, body), body).catch(() => 0);
        latencies.push(performance.now() - at);
        if (status !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { rps: count / seconds, p50: at(50), p99: at(99), count, errors };
}

process.on('message', async (job) => {
  const clients = { 'node:http': nodeHttp(job.url, job.concurrency), undici: undici(job.url, job.concurrency) };
  const figures = {};
  for (const [name, send] of Object.entries(clients)) {
    // Warm-up: connections and JIT.
    await run(send, { ...job, count: Math.min(1000, job.count) });
    figures[name] = await run(send, job);
  }
  process.send(figures);
});
process.on('disconnect', () => process.exit(0));
