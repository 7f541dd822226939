import type { FastifyInstance } from 'fastify';

export function registerResourceRoutes(app: FastifyInstance): void {
  void app;
}
