import { describe, expect, it } from 'vitest';
import { startTestServer, useTestServer } from './helpers/server.js';

const t = useTestServer();

describe('health endpoints', () => {
  it('/health/live answers 200 without touching the database', async () => {
    const response = await fetch(`${t.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/health/ready answers 200 once the server migrated and the database answers', async () => {
    const response = await fetch(`${t.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('/health keeps its answer', async () => {
    const response = await fetch(`${t.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });
});

describe('readiness while stopping', () => {
  it('turns 503 draining as soon as the server begins to stop, while liveness still answers', async () => {
    const s = await startTestServer();
    try {
      expect((await s.server.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
      const closing = s.server.close();
      const ready = await s.server.app.inject({ url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(await closing).toBe('drained');
    } finally {
      await s.database.drop();
    }
  });
});
