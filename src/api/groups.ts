import type { FastifyInstance } from 'fastify';

export function registerGroupRoutes(app: FastifyInstance): void {
  void app;
}
