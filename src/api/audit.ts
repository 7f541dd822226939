import type { FastifyInstance } from 'fastify';

export function registerAuditRoutes(app: FastifyInstance): void {
  void app;
}
