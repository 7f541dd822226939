import type { FastifyInstance } from 'fastify';

export function registerRoleRoutes(app: FastifyInstance): void {
  void app;
}
