import type { FastifyInstance } from 'fastify';
import { registerUserRoutes } from './users.js';
import { registerIdentityRoutes } from './identities.js';

/** Every GenAuth API family; one module each. */
export async function registerApi(app: FastifyInstance): Promise<void> {
  registerUserRoutes(app);
  registerIdentityRoutes(app);
}
