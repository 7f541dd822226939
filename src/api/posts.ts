import type { FastifyInstance } from 'fastify';

export function registerPostRoutes(app: FastifyInstance): void {
  void app;
}
