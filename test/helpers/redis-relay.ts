import { createConnection, createServer, type Server, type Socket } from 'node:net';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisRelay {
  url: string;
  /** Drops every connection and stops accepting, as a network would. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
  /** The local ports of the relay's open connections to Redis: their `addr` in CLIENT LIST. */
  upstreamPorts(): number[];
  /** How many connections the relay has opened to Redis since it started, closed ones included. */
  opened(): number;
}

/** A TCP relay to Redis that a test can cut and restore, and whose connections it can tell apart. */
export async function redisRelay(): Promise<RedisRelay> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  const upstreams = new Set<Socket>();
  let server: Server;
  let port = 0;
  let opened = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = createConnection(Number(target.port || 6379), target.hostname);
        opened++;
        upstreams.add(upstream);
        upstream.on('close', () => upstreams.delete(upstream));
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  };
  await listen();
  return {
    url: `redis://127.0.0.1:${port}`,
    cut,
    restore: listen,
    close: cut,
    upstreamPorts: () => [...upstreams].map((socket) => socket.localPort).filter((p): p is number => p !== undefined),
    opened: () => opened,
  };
}
