import type { FastifyInstance } from 'fastify';

export function registerOrganizationRoutes(app: FastifyInstance): void {
  void app;
}
