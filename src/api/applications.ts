import type { FastifyInstance } from 'fastify';

export function registerApplicationRoutes(app: FastifyInstance): void {
  void app;
}
