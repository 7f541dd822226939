// A webhook receiver in its own process for `npm run bench`: answers every POST with 200 after
// reading and parsing its body, and counts what arrived. For each new `webhook-id` it keeps the
// delay from the event's commit (`timestamp` in the body) to its arrival. The bench asks for
// figures over IPC: 'reset' and 'stats'.
import { createServer } from 'node:http';

let state;
const reset = () => (state = { count: 0, ids: new Set(), delays: [], firstAt: 0, lastAt: 0, paths: {} });
reset();

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    state.count++;
    state.paths[req.url] = (state.paths[req.url] ?? 0) + 1;
    if (!state.firstAt) state.firstAt = now;
    state.lastAt = now;
    const id = req.headers['webhook-id'];
    if (id && !state.ids.has(id)) {
      state.ids.add(id);
      if (body?.timestamp) state.delays.push(now - Date.parse(body.timestamp));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

process.on('message', (message) => {
  if (message === 'reset') {
    reset();
    process.send({ reset: true });
  } else if (message === 'stats') {
    process.send({ stats: { count: state.count, unique: state.ids.size, delays: state.delays, firstAt: state.firstAt, lastAt: state.lastAt, paths: state.paths } });
  }
});
process.on('disconnect', () => process.exit(0));
