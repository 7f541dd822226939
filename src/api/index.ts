import type { FastifyInstance } from 'fastify';
import { registerUserRoutes } from './users.js';
import { registerLifecycleRoutes } from './lifecycle.js';
import { registerIdentityRoutes } from './identities.js';
import { registerOrganizationRoutes } from './organizations.js';
import { registerDepartmentRoutes } from './departments.js';
import { registerNamespaceRoutes } from './namespaces.js';
import { registerRoleRoutes } from './roles.js';
import { registerRoleAssignmentRoutes } from './role-assignments.js';
import { registerGroupRoutes } from './groups.js';
import { registerPostRoutes } from './posts.js';
import { registerResourceRoutes } from './resources.js';
import { registerAuditRoutes } from './audit.js';
import { registerPublicAccountRoutes } from './public-accounts.js';
import { registerApplicationRoutes } from './applications.js';
import { registerAuthenticationRoutes } from './authentication.js';
import { registerWebhookRoutes } from './webhooks.js';
import { registerAccessKeyRoutes } from './access-keys.js';
import { registerSelfServiceRoutes } from './self-service.js';
import { registerSignUpRoutes } from './signup.js';
import { registerConsoleRoutes } from './console.js';
import { registerOffboardingRoutes } from './offboarding.js';
import { registerCustomFieldRoutes } from './custom-fields.js';

/** Every GenAuth API family; one module each. */
export async function registerApi(app: FastifyInstance): Promise<void> {
  registerUserRoutes(app);
  registerLifecycleRoutes(app);
  registerIdentityRoutes(app);
  registerOrganizationRoutes(app);
  registerDepartmentRoutes(app);
  registerNamespaceRoutes(app);
  registerRoleRoutes(app);
  registerRoleAssignmentRoutes(app);
  registerGroupRoutes(app);
  registerPostRoutes(app);
  registerResourceRoutes(app);
  registerAuditRoutes(app);
  registerPublicAccountRoutes(app);
  registerApplicationRoutes(app);
  registerAuthenticationRoutes(app);
  registerWebhookRoutes(app);
  registerAccessKeyRoutes(app);
  registerSelfServiceRoutes(app);
  registerSignUpRoutes(app);
  registerConsoleRoutes(app);
  registerOffboardingRoutes(app);
  registerCustomFieldRoutes(app);
}
