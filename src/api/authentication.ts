import type { FastifyInstance } from 'fastify';

export function registerAuthenticationRoutes(app: FastifyInstance): void {
  void app;
}
